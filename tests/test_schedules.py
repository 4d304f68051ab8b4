"""Schedules: what is due when, decided in local time by pgfresh.due_views / run_due.

Whole days are simulated, minute by minute or at the pg_cron ticks of the jobs in cron/,
in America/New_York and Europe/Berlin, the 2026 DST change days included. The database
decides (pgfresh.due_views at each simulated instant) and the simulation records what it
decided as a synthetic successful job_runs row, so nothing is really refreshed and a day
takes well under a second. The expected lists come from an independent brute-force
reading of the same rules with Python's zoneinfo, and the headline numbers are spelled out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pglast
import psycopg
import pytest

from pgfresh import cronexpr

from .conftest import ROOT, connect

UTC = dt.timezone.utc
NY, BERLIN = "America/New_York", "Europe/Berlin"
HOURLY = ("mv_revenue_trends", "mv_booking_trends", "mv_equipment_utilization", "mv_financial_summary")
FIVE_MIN = ("mv_support_sla", "mv_alert_candidates")

# The seed's section 2 as the policy table must hold it.
SEED_POLICIES = [
    ("mv_alert_candidates", "every", "00:05:00", None, "cron_dashboard_5min", None),
    ("mv_booking_trends", "every", "01:00:00", None, "cron_dashboard_hourly", None),
    ("mv_customer_cohorts", "nightly", None, None, "cron_dashboard_nightly", None),
    ("mv_dashboard_kpis", "every", "01:00:00", "00:15:00", "cron_dashboard_hourly", "cron_dashboard_15min"),
    ("mv_equipment_utilization", "every", "01:00:00", None, "cron_dashboard_hourly", None),
    ("mv_financial_summary", "every", "01:00:00", None, "cron_dashboard_hourly", None),
    ("mv_revenue_trends", "every", "01:00:00", None, "cron_dashboard_hourly", None),
    ("mv_support_sla", "every", "00:05:00", None, "cron_dashboard_5min", None),
]

SIMULATE_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.simulate(p_ticks timestamptz[], p_jobs text[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    FOR i IN 1..cardinality(p_ticks) LOOP
        INSERT INTO pgfresh.job_runs (view_name, source, status, started_at, finished_at)
        SELECT d.view_name, d.cron_job, 'success', p_ticks[i], p_ticks[i]
        FROM pgfresh.due_views(p_ticks[i], p_jobs[i]) AS d;
    END LOOP;
END
$$
"""


# -- helpers --------------------------------------------------------------------------------


def local_day(tz: str, day: str, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of day, local midnight `days` later) as UTC instants."""
    d = dt.date.fromisoformat(day)
    start = dt.datetime.combine(d, dt.time(0), ZoneInfo(tz))
    end = dt.datetime.combine(d + dt.timedelta(days=days), dt.time(0), ZoneInfo(tz))
    return start.astimezone(UTC), end.astimezone(UTC)


def minutes(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    out, t = [], start
    while t < end:
        out.append(t)
        t += dt.timedelta(minutes=1)
    return out


def cron_jobs() -> dict[str, str]:
    """job name -> schedule, read from the cron/ sources (the jobs of refresh policies only)."""
    jobs = {}
    for path in sorted((ROOT / "cron").glob("*.sql")):
        for raw in pglast.parse_sql(path.read_text()):
            args = raw.stmt.targetList[0].val.args
            name, schedule, command = (a.val.sval for a in args)
            if "refresh_materialized_views_each" in command and "'queue'" not in command:
                jobs[name] = schedule
    return jobs


def job_ticks(start: dt.datetime, end: dt.datetime, down=()) -> tuple[list, list]:
    """The (instant, job) ticks pg_cron fires in [start, end), except while the server is down."""
    fired = sorted(
        (t, name)
        for name, schedule in cron_jobs().items()
        for t in cronexpr.fire_times(schedule, start, end)
        if not any(lo < t < hi for lo, hi in down)
    )
    return [t for t, _ in fired], [name for _, name in fired]


def set_zone(conn: psycopg.Connection, tz: str) -> None:
    conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('business_timezone', %s)", [tz])


def simulate(conn: psycopg.Connection, start: dt.datetime, ticks: list, jobs: list) -> dict[str, list]:
    """Warm up one minute before start (every view fresh), replay the ticks, return the runs
    recorded from start on: view -> [(instant, source)]."""
    conn.execute(SIMULATE_SQL)
    warm = start - dt.timedelta(minutes=1)
    conn.execute("SELECT pg_temp.simulate(%s, %s)", [[warm], [None]])
    conn.execute("SELECT pg_temp.simulate(%s, %s)", [ticks, jobs])
    runs: dict[str, list] = defaultdict(list)
    for view, at, source in conn.execute(
        "SELECT view_name, started_at, source FROM pgfresh.job_runs WHERE started_at >= %s "
        "ORDER BY view_name, started_at", [start]
    ):
        runs[view].append((at.astimezone(UTC), source))
    return dict(runs)


def policies(conn: psycopg.Connection) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT view_name, cadence, refresh_every, business_hours_every, cron_job, business_hours_cron_job "
        "FROM pgfresh.refresh_policies WHERE NOT paused"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def settings(conn: psycopg.Connection) -> dict[str, str]:
    keys = ("business_timezone", "business_hours_start", "business_hours_end", "nightly_at")
    return {k: conn.execute("SELECT pgfresh.setting(%s)", [k]).fetchone()[0] for k in keys}


def oracle(pol: dict, st: dict, start: dt.datetime, end: dt.datetime, ticks=None, jobs=None) -> dict:
    """The expected runs, read minute by minute with zoneinfo, independently of the SQL:
    a slot is a stretch of minutes with one key. every: (business hours or not, local date,
    slot number in the local day, UTC offset). nightly: the latest local date whose
    nightly_at the clock has reached (a running maximum, so a repeated hour repeats nothing).
    With ticks, a slot's run is the first tick of its job inside it; without, its start."""
    zone = ZoneInfo(st["business_timezone"])
    b0 = dt.time.fromisoformat(st["business_hours_start"])
    b1 = dt.time.fromisoformat(st["business_hours_end"])
    night = dt.timedelta(hours=int(st["nightly_at"][:2]), minutes=int(st["nightly_at"][3:]))
    tick_jobs = defaultdict(set)
    for t, j in zip(ticks or [], jobs or [], strict=True):
        tick_jobs[t].add(j)
    expected: dict[str, list] = {}
    for view, (cadence, every, bh_every, job, bh_job) in pol.items():
        runs, last_key, done, nightly_max = [], None, False, None
        for t in minutes(start - dt.timedelta(days=2), end):
            local = t.astimezone(zone)
            if cadence == "nightly":
                nightly_max = max(filter(None, [nightly_max, (local.replace(tzinfo=None) - night).date()]))
                key, slot_job = nightly_max, job
            else:
                inside = bh_every is not None and (
                    b0 <= local.time() < b1 if b0 < b1 else (local.time() >= b0 or local.time() < b1))
                length = (bh_every if inside else every) // dt.timedelta(minutes=1)
                minute_of_day = local.hour * 60 + local.minute
                key = (inside, local.date(), minute_of_day // length, local.utcoffset())
                slot_job = bh_job if inside else job
            if key != last_key:
                last_key, done = key, t < start  # slots begun before start: run by the warm-up
            if not done and (ticks is None or slot_job in tick_jobs[t]):
                runs.append((t, slot_job))
                done = True
        expected[view] = runs
    return expected


def local_clock(runs: list, tz: str) -> list[str]:
    return [t.astimezone(ZoneInfo(tz)).strftime("%H:%M%z") for t, _ in runs]


def counts(runs: dict) -> dict[str, int]:
    return {v: len(r) for v, r in runs.items()}


# -- the seed's policies --------------------------------------------------------------------


def test_the_policy_table_holds_the_seed_cadences(db):
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT view_name, cadence, refresh_every::text, business_hours_every::text, cron_job, "
            "business_hours_cron_job FROM pgfresh.refresh_policies ORDER BY view_name"
        ).fetchall()
        hours = [conn.execute("SELECT pgfresh.setting(%s)", [k]).fetchone()[0]
                 for k in ("business_hours_start", "business_hours_end", "nightly_at")]
    assert [tuple(r) for r in rows] == SEED_POLICIES
    assert hours == ["06:00", "22:00", "02:00"]


# -- whole days, minute by minute -------------------------------------------------------------

DAYS = [
    (NY, "2026-06-15"), (NY, "2026-03-08"), (NY, "2026-11-01"),
    (BERLIN, "2026-06-15"), (BERLIN, "2026-03-29"), (BERLIN, "2026-10-25"),
]
# Hours in the local day, and so hourly runs and 5-minute runs, on each simulated day.
DAY_HOURS = {"2026-06-15": 24, "2026-03-08": 23, "2026-11-01": 25, "2026-03-29": 23, "2026-10-25": 25}
# The nightly run (02:00 local), as local clock time with its UTC offset.
NIGHTLY = {
    (NY, "2026-06-15"): ["02:00-0400"],
    (NY, "2026-03-08"): ["03:00-0400"],   # 02:00 does not exist: at the jump, once
    (NY, "2026-11-01"): ["02:00-0500"],   # 01:00-01:59 repeats, 02:00 happens once
    (BERLIN, "2026-06-15"): ["02:00+0200"],
    (BERLIN, "2026-03-29"): ["03:00+0200"],  # 02:00 does not exist: at the jump, once
    (BERLIN, "2026-10-25"): ["02:00+0200"],  # 02:00-02:59 repeats: the first 02:00 only
}


@pytest.mark.parametrize(("tz", "day"), DAYS)
def test_a_whole_day_minute_by_minute_gives_exactly_one_refresh_per_slot(db, tz, day):
    start, end = local_day(tz, day)
    with connect(db) as conn:
        set_zone(conn, tz)
        ticks = minutes(start, end)
        runs = simulate(conn, start, ticks, [None] * len(ticks))
        expected = oracle(policies(conn), settings(conn), start, end)
    assert runs == expected

    hours = DAY_HOURS[day]
    dashboard = local_clock(runs["mv_dashboard_kpis"], tz)
    business = [c for c, (_, job) in zip(dashboard, runs["mv_dashboard_kpis"], strict=True)
                if job == "cron_dashboard_15min"]
    assert len(business) == 64
    assert [b[:5] for b in business] == [f"{h:02d}:{m:02d}" for h in range(6, 22) for m in (0, 15, 30, 45)]
    assert len(dashboard) == 64 + hours - 16
    assert counts(runs) == {
        "mv_dashboard_kpis": 64 + hours - 16,
        **{v: hours for v in HOURLY},
        **{v: hours * 12 for v in FIVE_MIN},
        "mv_customer_cohorts": 1,
    }
    assert local_clock(runs["mv_customer_cohorts"], tz) == NIGHTLY[(tz, day)]
    assert {s for _, s in runs["mv_customer_cohorts"]} == {"cron_dashboard_nightly"}
    assert {s for v in HOURLY for _, s in runs[v]} == {"cron_dashboard_hourly"}


def test_on_the_fall_back_night_the_repeated_hour_gets_its_own_hourly_slot(db):
    start, end = local_day(NY, "2026-11-01")
    with connect(db) as conn:
        ticks = minutes(start, end)
        runs = simulate(conn, start, ticks, [None] * len(ticks))
    clock = local_clock(runs["mv_revenue_trends"], NY)
    assert clock[:4] == ["00:00-0400", "01:00-0400", "01:00-0500", "02:00-0500"]
    assert clock[-1] == "23:00-0500"


# -- whole days at the real pg_cron ticks -------------------------------------------------------

CHANGES = [(NY, "2026-03-07"), (NY, "2026-10-31"), (BERLIN, "2026-03-28"), (BERLIN, "2026-10-24")]


@pytest.mark.parametrize(("tz", "day_before"), CHANGES)
def test_the_pg_cron_ticks_give_the_same_runs_on_both_sides_of_a_dst_change(db, tz, day_before):
    """Two local days, the day before the change and the change day, replayed at the UTC
    ticks of the jobs in cron/: business hours follow the local clock on both sides."""
    start, end = local_day(tz, day_before, days=2)
    ticks, jobs = job_ticks(start, end)
    with connect(db) as conn:
        set_zone(conn, tz)
        runs = simulate(conn, start, ticks, jobs)
        expected = oracle(policies(conn), settings(conn), start, end, ticks, jobs)
    assert runs == expected
    by_day = defaultdict(list)
    for t, job in runs["mv_dashboard_kpis"]:
        if job == "cron_dashboard_15min":
            by_day[t.astimezone(ZoneInfo(tz)).date()].append(t.astimezone(ZoneInfo(tz)).strftime("%H:%M"))
    assert len(by_day) == 2
    for quarter_hours in by_day.values():
        assert quarter_hours == [f"{h:02d}:{m:02d}" for h in range(6, 22) for m in (0, 15, 30, 45)]
    # The first business-hours run is at 06:00 local: a different UTC hour on each side.
    firsts = sorted({min(t for t, j in runs["mv_dashboard_kpis"] if j == "cron_dashboard_15min"
                         and t.astimezone(ZoneInfo(tz)).date() == d).hour for d in by_day})
    assert len(firsts) == 2 and firsts[1] - firsts[0] == 1
    assert len(runs["mv_customer_cohorts"]) == 2


# -- missed slots ---------------------------------------------------------------------------


def test_a_server_down_for_an_hour_gives_one_catch_up_run_not_a_burst(db):
    """Down from 10:10 to 11:25 and from 01:30 to 03:20 local (no call at all meanwhile)."""
    start, end = local_day(NY, "2026-06-15")
    zone = ZoneInfo(NY)

    def local(h, m):
        return dt.datetime(2026, 6, 15, h, m, tzinfo=zone).astimezone(UTC)

    down = [(local(1, 30), local(3, 20)), (local(10, 10), local(11, 25))]
    every_minute = [t for t in minutes(start, end) if not any(lo < t < hi for lo, hi in down)]
    with connect(db) as conn:
        runs = simulate(conn, start, every_minute, [None] * len(every_minute))
    clock = {v: [c[:5] for c in local_clock(r, NY)] for v, r in runs.items()}
    # Back at 11:25: one run of each view for its current slot, none for the slots missed.
    for view in FIVE_MIN:
        assert [c for c in clock[view] if "10:10" <= c <= "11:30"] == ["10:10", "11:25", "11:30"]
    for view in HOURLY:
        assert [c for c in clock[view] if "10:00" <= c <= "12:00"] == ["10:00", "11:25", "12:00"]
    assert [c for c in clock["mv_dashboard_kpis"] if "10:00" <= c <= "11:30"] == [
        "10:00", "11:25", "11:30"]
    # The nightly 02:00 slot fell in the outage: one catch-up at 03:20.
    assert clock["mv_customer_cohorts"] == ["03:20"]

    # At the pg_cron ticks, the catch-up is the next tick of each job, once.
    with connect(db) as conn:
        conn.execute("DELETE FROM pgfresh.job_runs")
        ticks, jobs = job_ticks(start, end, down)
        runs = simulate(conn, start, ticks, jobs)
    clock = {v: [c[:5] for c in local_clock(r, NY)] for v, r in runs.items()}
    assert clock["mv_customer_cohorts"] == ["04:00"]
    assert [c for c in clock["mv_support_sla"] if "10:10" <= c <= "11:30"] == ["10:10", "11:25", "11:30"]
    assert [c for c in clock["mv_dashboard_kpis"] if "10:00" <= c <= "11:30"] == ["10:00", "11:30"]


# -- the decision itself ------------------------------------------------------------------------


def test_a_refresh_from_any_source_in_the_current_slot_makes_the_view_not_due(db):
    at = dt.datetime(2026, 6, 15, 14, 20, tzinfo=UTC)  # 10:20 New York
    with connect(db) as conn:
        due = {r[0] for r in conn.execute("SELECT view_name FROM pgfresh.due_views(%s)", [at])}
        assert "mv_booking_trends" in due
        conn.execute(
            "INSERT INTO pgfresh.job_runs (view_name, source, status, started_at, finished_at) VALUES "
            "('mv_booking_trends', 'queue', 'success', %(t)s, %(t)s), "
            "('mv_revenue_trends', 'cron_dashboard_hourly', 'failed', %(t)s, %(t)s), "
            "('mv_support_sla', 'manual', 'running', %(at)s, NULL), "
            "('mv_financial_summary', 'queue', 'success', %(late)s, %(late)s)",
            {"t": at - dt.timedelta(minutes=3), "at": at, "late": at + dt.timedelta(minutes=1)},
        )
        due = {r[0] for r in conn.execute("SELECT view_name FROM pgfresh.due_views(%s)", [at])}
    assert "mv_booking_trends" not in due       # the queue refreshed it at 10:17
    assert "mv_support_sla" not in due          # a refresh is running
    assert "mv_revenue_trends" in due           # a failure does not count: tried again
    assert "mv_financial_summary" in due        # a run after at is not history yet


def test_a_job_asks_only_for_the_views_of_its_current_slot(db):
    with connect(db) as conn:
        def due(at, job):
            return [r[0] for r in conn.execute("SELECT view_name FROM pgfresh.due_views(%s, %s)", [at, job])]

        noon, night = "2026-06-15 16:00+00", "2026-06-15 03:00+00"  # 12:00 and 23:00 New York
        assert due(noon, "cron_dashboard_15min") == ["mv_dashboard_kpis"]
        assert "mv_dashboard_kpis" not in due(noon, "cron_dashboard_hourly")
        assert due(night, "cron_dashboard_15min") == []
        assert due(night, "cron_dashboard_hourly") == [
            "mv_booking_trends", "mv_dashboard_kpis", "mv_equipment_utilization",
            "mv_financial_summary", "mv_revenue_trends"]
        assert due(night, "cron_dashboard_5min") == ["mv_alert_candidates", "mv_support_sla"]
        assert due(night, "cron_dashboard_nightly") == ["mv_customer_cohorts"]


@pytest.mark.parametrize(
    ("at", "tz", "cadence", "every", "slot"),
    [
        # Europe/Berlin falls back 03:00 CEST -> 02:00 CET at 01:00 UTC on 2026-10-25.
        ("2026-10-25 01:30+00", BERLIN, "nightly", None, "2026-10-25 00:00+00"),
        ("2026-10-25 00:59+00", BERLIN, "every", "1 hour", "2026-10-25 00:00+00"),
        ("2026-10-25 01:00+00", BERLIN, "every", "1 hour", "2026-10-25 01:00+00"),
        # America/New_York springs forward 02:00 EST -> 03:00 EDT at 07:00 UTC on 2026-03-08.
        ("2026-03-08 06:59+00", NY, "nightly", None, "2026-03-07 07:00+00"),
        ("2026-03-08 07:00+00", NY, "nightly", None, "2026-03-08 07:00+00"),
        ("2026-03-08 07:30+00", NY, "every", "2 hours", "2026-03-08 07:00+00"),  # slot from the jump
        ("2026-03-08 08:30+00", NY, "every", "2 hours", "2026-03-08 08:00+00"),  # 04:00 EDT
        ("2026-11-01 06:30+00", NY, "every", "2 hours", "2026-11-01 06:00+00"),  # new offset, new slot
        ("2026-06-15 14:07:31.5+00", NY, "every", "5 minutes", "2026-06-15 14:05+00"),
        ("2026-06-15 14:07+00", "Asia/Kolkata", "every", "1 hour", "2026-06-15 13:30+00"),
    ],
)
def test_schedule_slot_reads_the_local_clock(db, at, tz, cadence, every, slot):
    with connect(db) as conn:
        got = conn.execute(
            "SELECT slot_start = %s::timestamptz, slot_start FROM pgfresh.schedule_slot("
            "%s, %s, %s, %s, NULL, '06:00', '22:00', '02:00')", [slot, at, tz, cadence, every]
        ).fetchone()
    assert got[0], f"slot of {at} in {tz}: {got[1]}, expected {slot}"


# -- changing a cadence, the business hours, pausing ---------------------------------------------


def test_an_operator_changes_a_cadence_with_an_update(db):
    start, end = local_day(NY, "2026-06-15")
    with connect(db) as conn:
        conn.execute("UPDATE pgfresh.refresh_policies SET refresh_every = '30 minutes' "
                     "WHERE view_name = 'mv_support_sla'")
        conn.execute("UPDATE pgfresh.refresh_policies SET business_hours_every = '10 minutes', "
                     "business_hours_cron_job = 'cron_dashboard_5min' WHERE view_name = 'mv_dashboard_kpis'")
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('business_hours_start', '07:00'), "
                     "('business_hours_end', '19:00'), ('nightly_at', '04:30')")
        ticks = minutes(start, end)
        runs = simulate(conn, start, ticks, [None] * len(ticks))
        expected = oracle(policies(conn), settings(conn), start, end)
    assert runs == expected
    assert len(runs["mv_support_sla"]) == 48
    assert len([1 for _, j in runs["mv_dashboard_kpis"] if j == "cron_dashboard_5min"]) == 72  # 12 h x 6
    assert local_clock(runs["mv_customer_cohorts"], NY) == ["04:30-0400"]


@pytest.mark.parametrize(
    "update",
    [
        "refresh_every = '7 minutes'",           # does not divide a day
        "refresh_every = '90 seconds'",          # not whole minutes
        "refresh_every = '2 days'",
        "refresh_every = '1 mon'",
        "refresh_every = NULL",
        "refresh_every = '-1 hour'",
        "cadence = 'weekly'",
        "cadence = 'nightly'",                   # with a refresh_every
        "business_hours_every = '15 minutes'",   # without business_hours_cron_job
        "business_hours_cron_job = 'cron_dashboard_15min'",  # without business_hours_every
        "cron_job = 'Cron Dashboard'",
        "view_name = 'analytics.mv_support_sla'",
    ],
)
def test_an_invalid_cadence_is_refused_and_changes_nothing(db, update):
    with connect(db) as conn:
        before = conn.execute("SELECT * FROM pgfresh.refresh_policies ORDER BY view_name").fetchall()
        with pytest.raises(psycopg.Error) as err:
            conn.execute(f"UPDATE pgfresh.refresh_policies SET {update} WHERE view_name = 'mv_support_sla'")
        assert err.value.sqlstate == "PF303"
        assert conn.execute("SELECT * FROM pgfresh.refresh_policies ORDER BY view_name").fetchall() == before


def test_every_seed_row_passes_the_validation(db):
    with connect(db) as conn:
        assert conn.execute("UPDATE pgfresh.refresh_policies SET view_name = view_name").rowcount == 8


@pytest.mark.parametrize(
    ("key", "value"),
    [("business_hours_start", "6:00"), ("business_hours_end", "24:00"), ("nightly_at", "02:00:00"),
     ("nightly_at", "2am"), ("business_hours_start", "22:00")],  # 22:00: business hours would be empty
)
def test_an_invalid_local_time_setting_is_refused(db, key, value):
    with connect(db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s)", [key, value])
    assert err.value.sqlstate == "PF304"


def test_pause_and_resume_one_view_or_all_without_a_migration(db):
    at = "2026-06-15 14:07+00"
    with connect(db) as conn:
        def due():
            return {r[0] for r in conn.execute("SELECT view_name FROM pgfresh.due_views(%s)", [at])}

        def call(fn, *args):
            placeholders = ", ".join(["%s"] * len(args))
            rows = conn.execute(f"SELECT * FROM pgfresh.{fn}({placeholders})", list(args))
            return sorted(r[0] for r in rows)

        assert call("pause_schedule", "mv_support_sla") == ["mv_support_sla"]
        assert call("pause_schedule", "mv_support_sla") == []  # already paused
        assert "mv_support_sla" not in due() and len(due()) == 7
        assert len(call("pause_schedule")) == 7
        assert due() == set()
        assert call("resume_schedule", "mv_booking_trends") == ["mv_booking_trends"]
        assert due() == {"mv_booking_trends"}
        assert len(call("resume_schedule")) == 7
        assert len(due()) == 8
        # The same with an UPDATE.
        conn.execute("UPDATE pgfresh.refresh_policies SET paused = true WHERE view_name LIKE 'mv_support%'")
        assert "mv_support_sla" not in due()
        for fn in ("pause_schedule", "resume_schedule"):
            with pytest.raises(psycopg.Error) as err:
                call(fn, "mv_no_such_view")
            assert err.value.sqlstate == "PF305"
