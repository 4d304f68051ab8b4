"""The incremental analytics.mv_equipment_utilization and the capture triggers that feed it.

The property: after any batch of inserts, updates (status, amounts, machines, dates moved
across days, months and the DST days), deletes and late backdated rows of the four
sources, an incremental refresh leaves the table equal, row for row, to a from-scratch
computation of the same definition (pgfresh.mv_equipment_utilization_rows()). Then:
nothing lost when a change commits during an incremental refresh (real sessions), a
reader never waits nor sees half a refresh, the refresh rewrites only the keys of the
change, the capture triggers record what they should and nothing for a column no view
reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import connect
from .engine import Background, queued, wait_until, waiting_on_lock

VIEW = "mv_equipment_utilization"
TZ = ZoneInfo("America/New_York")
MACHINES = 6
CAPTURED = ("bookings", "equipment", "equipment_utilization", "equipment_maintenance", "payments",
            "payment_schedules", "insurance_documents", "financial_transactions",
            "payout_reconciliations", "manual_payments", "support_tickets")
STATUSES = ("pending", "confirmed", "active", "completed", "cancelled", "no_show")

DIFF_SQL = """
SELECT 'stored' AS side, * FROM (TABLE analytics.mv_equipment_utilization
                                 EXCEPT ALL SELECT * FROM pgfresh.mv_equipment_utilization_rows()) AS a
UNION ALL
SELECT 'computed', * FROM (SELECT * FROM pgfresh.mv_equipment_utilization_rows()
                           EXCEPT ALL TABLE analytics.mv_equipment_utilization) AS b
ORDER BY 3, 4, 1
LIMIT 10
"""


def _today() -> date:
    return datetime.now(TZ).date()


def _anchor_days() -> list[date]:
    """Local days where mistakes hide: today, yesterday, month starts, the DST days of the
    last 400 days, and the first day of the period."""
    today = _today()
    month = today.replace(day=1)
    days = [today, today - timedelta(days=1), month, month - timedelta(days=1),
            today - timedelta(days=399), today - timedelta(days=200)]
    for n in range(400):
        d = today - timedelta(days=n)
        noon = datetime(d.year, d.month, d.day, 12, tzinfo=TZ)
        before = noon - timedelta(days=1)
        if noon.utcoffset() != before.utcoffset():
            days.append(d)
    return days


ANCHORS = _anchor_days()


def _instant(anchor: int, hours: int) -> datetime:
    d = ANCHORS[anchor % len(ANCHORS)]
    return datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(hours=hours)


anchor = st.integers(0, len(ANCHORS) - 1)
hours = st.integers(-30, 30)
machine = st.integers(0, MACHINES - 1)
pick = st.integers(0, 1000)

operation = st.one_of(
    st.tuples(st.just("insert"), machine, anchor, hours, st.integers(1, 24 * 30), st.sampled_from(STATUSES),
              st.integers(0, 500_00)),
    st.tuples(st.just("insert_many"), st.lists(st.tuples(machine, anchor, hours, st.integers(1, 24 * 10)),
                                               min_size=2, max_size=5)),
    st.tuples(st.just("status"), pick, st.sampled_from(STATUSES)),
    st.tuples(st.just("amount"), pick, st.integers(0, 500_00)),
    st.tuples(st.just("move"), pick, anchor, hours),
    st.tuples(st.just("shift"), pick, st.integers(-45, 45)),
    st.tuples(st.just("machine"), pick, machine),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("telemetry"), machine, st.integers(0, 60), st.integers(0, 24)),
    st.tuples(st.just("telemetry_delete"), pick),
    st.tuples(st.just("maintenance"), machine, anchor, hours, st.sampled_from([None, 1, 5, 40]),
              st.sampled_from(["in_progress", "completed", "cancelled"]), st.integers(-20, 120)),
    st.tuples(st.just("maintenance_complete"), pick, st.integers(0, 72)),
    st.tuples(st.just("maintenance_delete"), pick),
    st.tuples(st.just("equipment"), machine, st.integers(0, 420), st.sampled_from(["lift", "earthmoving"])),
)


def _nth(conn, table: str, n: int):
    """The id of row n (modulo the count) of a source table, or None when it is empty."""
    ids = [r[0] for r in conn.execute(f"SELECT id FROM public.{table} ORDER BY id")]  # table: a constant
    return ids[n % len(ids)] if ids else None


def _apply(conn, op: tuple, machines: list, user_id) -> None:
    kind = op[0]
    if kind == "insert":
        _, m, a, h, duration, status, cents = op
        start = _instant(a, h)
        conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [user_id, machines[m], status, start, start + timedelta(hours=duration), cents / 100])
    elif kind == "insert_many":
        rows = [(machines[m], _instant(a, h), _instant(a, h) + timedelta(hours=d)) for m, a, h, d in op[1]]
        conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount) "
            "SELECT %s, r.e, 'confirmed', r.s, r.f, 123.45 "
            "FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[]) AS r (e, s, f)",
            [user_id, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    elif kind == "telemetry":
        _, m, days_ago, used = op
        conn.execute(
            "INSERT INTO public.equipment_utilization "
            "(equipment_id, usage_date, hours_used, hours_available) "
            "VALUES (%s, %s, %s, 24) ON CONFLICT (equipment_id, usage_date) "
            "DO UPDATE SET hours_used = excluded.hours_used",
            [machines[m], _today() - timedelta(days=days_ago), used])
    elif kind == "maintenance":
        _, m, a, h, length, status, due = op
        started = _instant(a, h)
        completed = None if length is None or status == "in_progress" else started + timedelta(days=length)
        conn.execute(
            "INSERT INTO public.equipment_maintenance "
            "(equipment_id, kind, status, scheduled_for, started_at, completed_at, next_due_at) "
            "VALUES (%s, 'service', %s, %s, %s, %s, %s)",
            [machines[m], "completed" if completed else status, started, started, completed,
             started + timedelta(days=due)])
    elif kind == "equipment":
        _, m, days_ago, category = op
        conn.execute("UPDATE public.equipment SET acquired_at = %s, category = %s WHERE id = %s",
                     [_today() - timedelta(days=days_ago), category, machines[m]])
    elif kind.startswith("telemetry_"):
        row = _nth(conn, "equipment_utilization", op[1])
        conn.execute("DELETE FROM public.equipment_utilization WHERE id = %s", [row])
    elif kind.startswith("maintenance_"):
        row = _nth(conn, "equipment_maintenance", op[1])
        if kind == "maintenance_delete":
            conn.execute("DELETE FROM public.equipment_maintenance WHERE id = %s", [row])
        else:
            conn.execute("UPDATE public.equipment_maintenance SET status = 'completed', "
                         "started_at = coalesce(started_at, scheduled_for), "
                         "completed_at = coalesce(started_at, scheduled_for) + %s * interval '1 hour' "
                         "WHERE id = %s", [op[2] + 1, row])
    else:
        booking = _nth(conn, "bookings", op[1])
        if kind == "status":
            conn.execute("UPDATE public.bookings SET status = %s WHERE id = %s", [op[2], booking])
        elif kind == "amount":
            conn.execute("UPDATE public.bookings SET total_amount = %s WHERE id = %s", [op[2] / 100, booking])
        elif kind == "move":
            conn.execute("UPDATE public.bookings SET start_at = %s, end_at = %s + (end_at - start_at) "
                         "WHERE id = %s", [_instant(op[2], op[3])] * 2 + [booking])
        elif kind == "shift":
            conn.execute("UPDATE public.bookings SET start_at = start_at + %s * interval '1 day', "
                         "end_at = end_at + %s * interval '1 day' WHERE id = %s", [op[2], op[2], booking])
        elif kind == "machine":
            conn.execute("UPDATE public.bookings SET equipment_id = %s WHERE id = %s",
                         [machines[op[2]], booking])
        else:
            conn.execute("DELETE FROM public.bookings WHERE id = %s", [booking])


def _refresh(conn, full: bool = False) -> None:
    run = conn.execute("SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', %s)",
                       [VIEW, full]).fetchone()
    assert run[0] == "success", run


def _differences(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(DIFF_SQL)]


def _fleet(conn) -> tuple[list, object]:
    """Six machines (one acquired 100 days ago), a customer, a few bookings, telemetry and
    jobs; the table rebuilt in full."""
    user_id = conn.execute("INSERT INTO public.users (email, full_name) VALUES ('p@example.com', 'P') "
                           "RETURNING id").fetchone()[0]
    machines = [r[0] for r in conn.execute(
        "INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
        "SELECT 'machine ' || i, 'lift', 100, CASE i WHEN 0 THEN %s ELSE '2020-01-01'::date END "
        "FROM generate_series(0, %s - 1) AS i RETURNING id", [_today() - timedelta(days=100), MACHINES])]
    for m in range(MACHINES):
        _apply(conn, ("insert", m, m, 9, 30 + 20 * m, "completed", 9999), machines, user_id)
        _apply(conn, ("telemetry", m, m, 5), machines, user_id)
    _refresh(conn, full=True)
    return machines, user_id


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(operation, min_size=1, max_size=6), min_size=1, max_size=4))
def test_incremental_refresh_equals_a_full_computation_after_any_changes(db, batches):
    with connect(db) as conn:
        conn.execute("TRUNCATE public.bookings, public.equipment_utilization, public.equipment_maintenance, "
                     "public.equipment, public.users CASCADE")
        machines, user_id = _fleet(conn)
        assert _differences(conn) == []
        for batch in batches:
            with conn.transaction():
                for op in batch:
                    _apply(conn, op, machines, user_id)
            _refresh(conn)
            assert _differences(conn) == [], batch
            assert queued(conn, VIEW) == 0


def test_a_status_change_rewrites_only_the_days_of_its_booking(db):
    with connect(db) as conn:
        machines, user_id = _fleet(conn)
        start = _instant(0, -24 * 5 + 10)   # 5 local days ago, 10:00, for 50 hours: 3 local days
        booked = start - timedelta(hours=1)  # created an hour before, the same local day
        booking = conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount, "
            "created_at) VALUES (%s, %s, 'confirmed', %s, %s, 300, %s) RETURNING id",
            [user_id, machines[3], start, start + timedelta(hours=50), booked]).fetchone()[0]
        _refresh(conn)
        before = dict(conn.execute("SELECT snapshot_date || ' ' || equipment_id, xmin::text "
                                   "FROM analytics.mv_equipment_utilization").fetchall())
        conn.execute("UPDATE public.bookings SET status = 'cancelled' WHERE id = %s", [booking])
        # The trigger recorded the machine and the days of the booking's instants (created_at
        # to end_at, widened by a UTC day on each side) and the column that changed, once.
        keys = conn.execute("SELECT equipment_ids, first_day, last_day, changed_columns "
                            "FROM pgfresh.source_changes WHERE operation = 'UPDATE'").fetchall()
        utc = ZoneInfo("UTC")
        assert keys == [([machines[3]] * 2, booked.astimezone(utc).date() - timedelta(days=1),
                         (start + timedelta(hours=50)).astimezone(utc).date() + timedelta(days=1),
                         ["status"])]
        _refresh(conn)
        after = dict(conn.execute("SELECT snapshot_date || ' ' || equipment_id, xmin::text "
                                  "FROM analytics.mv_equipment_utilization").fetchall())
        assert before.keys() == after.keys()
        rewritten = sorted(k for k in after if after[k] != before[k])
        # 3 local days of the booking + at most a day on each side, all of machine 3
        assert 3 <= len(rewritten) <= 5 and all(k.endswith(str(machines[3])) for k in rewritten)
        assert _differences(conn) == []


def test_an_update_of_a_column_no_view_reads_records_nothing(db):
    with connect(db) as conn:
        machines, user_id = _fleet(conn)
        conn.execute("DELETE FROM pgfresh.source_changes")
        conn.execute("UPDATE public.bookings SET updated_at = now() + interval '1 hour', deposit_amount = 1")
        conn.execute("UPDATE public.equipment_utilization SET recorded_at = now() - interval '1 day'")
        assert conn.execute("SELECT count(*) FROM pgfresh.source_changes").fetchone()[0] == 0
        conn.execute("UPDATE public.bookings SET total_amount = total_amount + 1")
        assert queued(conn, VIEW) == MACHINES  # one per updated row


def test_every_column_a_view_reads_is_watched_by_the_update_triggers(db):
    """The UPDATE OF lists of the row-level UPDATE triggers cover every column of their table
    that a managed view (its rewrite rule) or a row function (its SQL body) reads."""
    with connect(db) as conn:
        read = conn.execute("""
            SELECT src.relname, a.attname
              FROM pg_depend AS d
              JOIN pg_class AS src ON d.refclassid = 'pg_class'::regclass AND src.oid = d.refobjid
              JOIN pg_namespace AS sn ON sn.oid = src.relnamespace AND sn.nspname = 'public'
              JOIN pg_attribute AS a ON a.attrelid = src.oid AND a.attnum = d.refobjsubid
             WHERE d.refobjsubid > 0
               AND (d.classid = 'pg_rewrite'::regclass OR d.classid = 'pg_proc'::regclass)
               AND src.relname = ANY (%s)
        """, [list(CAPTURED)]).fetchall()
        assert {t for t, _ in read} == set(CAPTURED)
        for table, column in read:
            watched = conn.execute(
                "SELECT %s = ANY (SELECT a.attname FROM pg_attribute AS a "
                "WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr::int2[])) "
                "FROM pg_trigger AS t WHERE t.tgname = %s", [column, f"{table}__record_update"]).fetchone()[0]
            assert watched, (table, column)


def test_a_change_committed_during_an_incremental_refresh_leads_to_another_refresh(db):
    """The refresh consumes the recorded changes, then stops (the gate: a lock on
    equipment_maintenance, which it reads next). Meanwhile a writer commits a status change
    without waiting, and a reader reads the old rows without waiting; after the refresh the
    new change is still pending, and the next process_queue applies it."""
    with connect(db) as conn, connect(db) as writer, connect(db) as reader, connect(db) as gate:
        machines, user_id = _fleet(conn)
        booking = conn.execute("SELECT id FROM public.bookings ORDER BY start_at DESC LIMIT 1").fetchone()[0]
        conn.execute("UPDATE public.bookings SET status = 'cancelled' WHERE id <> %s", [booking])
        expected_before = conn.execute(
            "SELECT sum(revenue) FROM analytics.mv_equipment_utilization").fetchone()[0]

        gate.execute("BEGIN")
        gate.execute("LOCK TABLE public.equipment_maintenance IN ACCESS EXCLUSIVE MODE")
        worker = Background(db, "CALL pgfresh.process_queue()")
        wait_until(lambda: waiting_on_lock(conn, worker.pid), "incremental refresh held at the gate")
        assert conn.execute("SELECT count(*) FROM pgfresh.source_changes").fetchone()[0] >= 1

        for session in (writer, reader):
            session.execute("SET lock_timeout = '3s'")  # a wait would fail the test, not hang it
        writer.execute("UPDATE public.bookings SET status = 'cancelled' WHERE id = %s", [booking])
        # Not half applied: the refresh has deleted its keys' rows, uncommitted.
        assert reader.execute("SELECT sum(revenue) FROM analytics.mv_equipment_utilization").fetchone()[0] \
            == expected_before
        gate.execute("COMMIT")
        worker.join()

        assert [tuple(r) for r in conn.execute(
            "SELECT status, source FROM pgfresh.job_runs WHERE view_name = %s ORDER BY id", [VIEW])] \
            == [("success", "test"), ("success", "queue")]
        assert queued(conn, VIEW) == 1
        conn.execute("CALL pgfresh.process_queue()")
        assert queued(conn, VIEW) == 0
        assert conn.execute("SELECT sum(revenue) FROM analytics.mv_equipment_utilization").fetchone()[0] == 0
        assert _differences(conn) == []


def test_full_rebuild_on_request_and_on_truncate(db):
    with connect(db) as conn:
        machines, user_id = _fleet(conn)
        conn.execute("UPDATE analytics.mv_equipment_utilization SET revenue = -1")  # damage it
        assert len(_differences(conn)) > 0
        _refresh(conn)                       # nothing recorded: nothing rewritten
        assert len(_differences(conn)) > 0
        _refresh(conn, full=True)
        assert _differences(conn) == []
        conn.execute("TRUNCATE public.bookings CASCADE")
        _refresh(conn)
        assert _differences(conn) == []
        assert conn.execute("SELECT sum(revenue) FROM analytics.mv_equipment_utilization").fetchone()[0] == 0


@pytest.mark.parametrize("lookback", [30, 400])
def test_the_period_follows_the_lookback_setting(db, lookback):
    with connect(db) as conn:
        _fleet(conn)
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('utilization_lookback_days', '60')")
        _refresh(conn)
        assert _differences(conn) == []
        conn.execute("UPDATE pgfresh.settings SET value = %s WHERE key = 'utilization_lookback_days'",
                     [str(lookback)])
        _refresh(conn)
        assert _differences(conn) == []
        first, telemetry = conn.execute(
            "SELECT (SELECT min(snapshot_date) FROM analytics.mv_equipment_utilization), "
            "(SELECT min(usage_date) FROM public.equipment_utilization)").fetchone()
        assert first == max(_today() - timedelta(days=lookback - 1), telemetry)


def test_the_nightly_verification_finds_a_damaged_day_and_rebuilds(db):
    with connect(db) as conn:
        _fleet(conn)
        days = conn.execute("SELECT snapshot_date, stored, computed, differing "
                            "FROM pgfresh.verify_incremental('mv_equipment_utilization', 5)").fetchall()
        assert len(days) == 5 and _today() in [d[0] for d in days]
        assert all(d[1] == d[2] == MACHINES and d[3] == 0 for d in days)
        conn.execute("UPDATE analytics.mv_equipment_utilization SET revenue = revenue + 1 "
                     "WHERE snapshot_date = %s", [_today() - timedelta(days=1)])
        differing = conn.execute("SELECT sum(differing) FROM pgfresh.verify_incremental("
                                 "'analytics.mv_equipment_utilization', 2)").fetchone()[0]
        assert differing == 2 * MACHINES  # each damaged row: one stored, one computed
        conn.execute("CALL pgfresh.verify_incremental_views(2)")
        assert _differences(conn) == []
        assert conn.execute("SELECT status, source FROM pgfresh.job_runs ORDER BY id DESC LIMIT 1"
                            ).fetchone() == ("success", "verify")


@pytest.mark.parametrize(("view", "days", "sqlstate"), [
    ("mv_customer_cohorts", 7, "PF801"),
    ("mv_equipment_utilization", 0, "PF802"),
    ("mv_equipment_utilization", None, "PF802"),
    ("mv_equipment_utilization'; --", 7, "PF101"),
])
def test_verify_refuses_what_it_cannot_verify(db, view, days, sqlstate):
    with connect(db) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute("SELECT * FROM pgfresh.verify_incremental(%s, %s)", [view, days])
        assert err.value.sqlstate == sqlstate


def test_the_day_hull_of_every_capture_trigger_covers_every_instant_a_view_reads(db):
    """A change's days are the hull of the row's timestamp and date columns; a column some
    managed view reads but the hull left out would let a change on that day go unseen.
    equipment records no days (a machine's change is every day of it)."""
    with connect(db) as conn:
        read = conn.execute("""
            SELECT DISTINCT src.relname, a.attname
              FROM pg_depend AS d
              JOIN pg_class AS src ON d.refclassid = 'pg_class'::regclass AND src.oid = d.refobjid
              JOIN pg_namespace AS sn ON sn.oid = src.relnamespace AND sn.nspname = 'public'
              JOIN pg_attribute AS a ON a.attrelid = src.oid AND a.attnum = d.refobjsubid
             WHERE d.refobjsubid > 0
               AND (d.classid = 'pg_rewrite'::regclass OR d.classid = 'pg_proc'::regclass)
               AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype)
               AND src.relname = ANY (%s) AND src.relname <> 'equipment'
        """, [list(CAPTURED)]).fetchall()
        assert len(read) >= 15
        for table, column in read:
            for kind in ("rows", "update"):
                body = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = %s",
                                    [f"tg_{table}__record_{kind}"]).fetchone()[0]
                hull = body[body.index("least("):] if kind == "update" else body
                term = f"OLD.{column}" if kind == "update" else f"min(r.{column})"
                assert term in hull, (table, column, kind)
