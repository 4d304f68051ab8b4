"""pgfresh.refresh_status / refresh_status_at(at): each column on crafted run histories.

The histories are job_runs, alert_incidents and refresh_queue rows written directly, at
instants around one local day in New York (the default business_timezone), so each case
asks refresh_status_at about an instant of its choosing: business hours (06:00-22:00) or
not, inside the grace of a slot or past it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import connect

NY = ZoneInfo("America/New_York")
DAY = datetime(2026, 6, 10, tzinfo=NY)          # a Wednesday in summer (EDT)
AFTERNOON = DAY.replace(hour=14, minute=10)     # business hours
NIGHT = DAY.replace(hour=23, minute=30)         # off hours
MIN = timedelta(minutes=1)
SHIPPED = 8


def add_run(conn, view: str, started: datetime, status: str = "success", seconds: float = 1.0,
            error: str | None = None) -> int:
    finished = None if status == "running" else started + timedelta(seconds=seconds)
    return conn.execute(
        "INSERT INTO pgfresh.job_runs (view_name, source, status, started_at, finished_at, "
        "error_message, sqlstate) VALUES (%s, 'test', %s, %s, %s, %s, %s) RETURNING id",
        [view, status, started, finished, error or ("division by zero" if status == "failed" else None),
         "22012" if status == "failed" else None],
    ).fetchone()[0]


def status_at(conn, at: datetime) -> dict[str, dict]:
    cur = conn.execute("SELECT * FROM pgfresh.refresh_status_at(%s)", [at])
    names = [d.name for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def test_one_row_per_managed_view_and_a_never_run_view_is_stale(db):
    with connect(db) as conn:
        rows = status_at(conn, AFTERNOON)
        assert len(rows) == SHIPPED
        never = rows["mv_financial_summary"]
        assert never["is_stale"] is True
        assert (never["last_success_at"], never["age"], never["last_attempt_at"], never["last_status"]) == (
            None, None, None, None)
        assert (never["consecutive_failures"], never["queue_pending"], never["runs_last_day"]) == (0, 0, 0)
        assert never["cadence"] == "every" and never["expected_interval"] == timedelta(hours=1)
        assert never["slot_start"] == DAY.replace(hour=14)


def test_a_fresh_view_has_its_age_and_expected_interval(db):
    with connect(db) as conn:
        add_run(conn, "mv_support_sla", AFTERNOON - 2 * MIN, seconds=0.5)
        row = status_at(conn, AFTERNOON)["mv_support_sla"]
        assert row["is_stale"] is False
        assert row["age"] == 2 * MIN
        assert row["last_success_at"] == AFTERNOON - 2 * MIN + timedelta(seconds=0.5)
        assert row["last_success_duration"] == timedelta(seconds=0.5)
        assert row["expected_interval"] == 5 * MIN
        assert (row["last_status"], row["last_error"]) == ("success", None)


def test_a_view_is_stale_only_once_its_slot_is_older_than_the_grace(db):
    with connect(db) as conn:
        add_run(conn, "mv_booking_trends", DAY.replace(hour=13, minute=0, second=5))
        # 14:04: the 14:00 slot has no refresh yet, but is within the 5-minute grace.
        assert status_at(conn, DAY.replace(hour=14, minute=4))["mv_booking_trends"]["is_stale"] is False
        row = status_at(conn, AFTERNOON)["mv_booking_trends"]
        assert row["is_stale"] is True and row["age"] == timedelta(hours=1, minutes=9, seconds=55)
        # A longer grace (setting stale_grace) tolerates it.
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('stale_grace', '15 minutes')")
        assert status_at(conn, AFTERNOON)["mv_booking_trends"]["is_stale"] is False
        # A refresh in the slot, from any source, makes it fresh again.
        add_run(conn, "mv_booking_trends", DAY.replace(hour=14, minute=8))
        conn.execute("DELETE FROM pgfresh.settings")
        assert status_at(conn, AFTERNOON)["mv_booking_trends"]["is_stale"] is False


def test_a_failing_view_counts_failures_in_a_row_and_shows_its_open_incident(db):
    with connect(db) as conn:
        add_run(conn, "mv_revenue_trends", DAY.replace(hour=12), status="failed")
        add_run(conn, "mv_revenue_trends", DAY.replace(hour=13))
        for minute in (0, 1, 3):
            add_run(conn, "mv_revenue_trends", DAY.replace(hour=14, minute=minute), status="failed")
        add_run(conn, "mv_revenue_trends", DAY.replace(hour=14, minute=5), status="skipped")
        last = add_run(conn, "mv_revenue_trends", DAY.replace(hour=14, minute=7), status="failed",
                       error="relation does not exist")
        opened = DAY.replace(hour=14, minute=7, second=1)
        incident = conn.execute(
            "INSERT INTO pgfresh.alert_incidents "
            "(view_name, opened_at, consecutive_failures, last_failed_run_id) "
            "VALUES ('mv_revenue_trends', %s, 4, %s) RETURNING id", [opened, last]).fetchone()[0]
        row = status_at(conn, AFTERNOON)["mv_revenue_trends"]
        assert row["consecutive_failures"] == 4          # the skipped run neither counts nor breaks it
        assert (row["last_status"], row["last_error"]) == ("failed", "relation does not exist")
        assert row["last_attempt_at"] == DAY.replace(hour=14, minute=7)
        assert (row["incident_id"], row["incident_opened_at"]) == (incident, opened)
        assert row["is_stale"] is True
        assert (row["runs_last_day"], row["failures_last_day"]) == (6, 5)
        # Before the incident opened, none is shown; after it is resolved, none either.
        assert status_at(conn, DAY.replace(hour=14, minute=6))["mv_revenue_trends"]["incident_id"] is None
        conn.execute("UPDATE pgfresh.alert_incidents SET resolved_at = %s", [AFTERNOON])
        assert status_at(conn, AFTERNOON + MIN)["mv_revenue_trends"]["incident_id"] is None


def test_a_paused_view_is_never_stale(db):
    with connect(db) as conn:
        add_run(conn, "mv_customer_cohorts", DAY - timedelta(days=3))
        conn.execute("SELECT pgfresh.pause_schedule('mv_customer_cohorts')")
        row = status_at(conn, AFTERNOON)["mv_customer_cohorts"]
        assert (row["paused"], row["is_stale"], row["cadence"]) == (True, False, "nightly")
        assert row["expected_interval"] == timedelta(days=1)
        conn.execute("SELECT pgfresh.resume_schedule('mv_customer_cohorts')")
        assert status_at(conn, AFTERNOON)["mv_customer_cohorts"]["is_stale"] is True


def test_business_hours_expect_the_dashboard_every_15_minutes_and_off_hours_hourly(db):
    with connect(db) as conn:
        add_run(conn, "mv_dashboard_kpis", AFTERNOON - 20 * MIN)
        day = status_at(conn, AFTERNOON)["mv_dashboard_kpis"]
        assert (day["business_hours"], day["expected_interval"]) == (True, 15 * MIN)
        assert day["slot_start"] == DAY.replace(hour=14)
        assert day["is_stale"] is True                   # 20 minutes old in business hours
        add_run(conn, "mv_dashboard_kpis", NIGHT - 20 * MIN)
        night = status_at(conn, NIGHT)["mv_dashboard_kpis"]
        assert (night["business_hours"], night["expected_interval"]) == (False, timedelta(hours=1))
        assert night["slot_start"] == DAY.replace(hour=23)
        assert night["is_stale"] is False and night["age"] == 20 * MIN


def test_nightly_view_is_fresh_all_day_after_its_two_oclock_refresh(db):
    with connect(db) as conn:
        add_run(conn, "mv_customer_cohorts", DAY.replace(hour=2, minute=0, second=3))
        assert status_at(conn, NIGHT)["mv_customer_cohorts"]["is_stale"] is False
        next_day = DAY + timedelta(days=1)
        assert status_at(conn, next_day.replace(hour=2, minute=3))["mv_customer_cohorts"]["is_stale"] is False
        assert status_at(conn, next_day.replace(hour=2, minute=6))["mv_customer_cohorts"]["is_stale"] is True


def test_queue_requests_and_durations_of_the_last_day(db):
    with connect(db) as conn:
        for seconds in range(1, 21):                    # 20 successes in the last day: 1 s .. 20 s
            add_run(conn, "mv_equipment_utilization", AFTERNOON - timedelta(hours=seconds), seconds=seconds)
        add_run(conn, "mv_equipment_utilization", AFTERNOON - timedelta(days=2), seconds=500)
        add_run(conn, "mv_equipment_utilization", AFTERNOON + MIN, seconds=900)   # after at: not seen
        for age in (3, 1):
            conn.execute("INSERT INTO pgfresh.refresh_queue (view_name, reason, enqueued_at) "
                         "VALUES ('mv_equipment_utilization', 'test', %s)", [AFTERNOON - age * MIN])
        row = status_at(conn, AFTERNOON)["mv_equipment_utilization"]
        assert (row["queue_pending"], row["queue_oldest_age"]) == (2, 3 * MIN)
        assert row["duration_mean"] == timedelta(seconds=10.5)
        assert row["duration_p95"] == timedelta(seconds=19.05)   # percentile_cont over 1..20
        assert row["runs_last_day"] == 20 and row["last_success_duration"] == timedelta(seconds=1)


def test_a_running_refresh_is_the_last_attempt(db):
    with connect(db) as conn:
        add_run(conn, "mv_alert_candidates", AFTERNOON - 4 * MIN)
        add_run(conn, "mv_alert_candidates", AFTERNOON - MIN, status="running")
        row = status_at(conn, AFTERNOON)["mv_alert_candidates"]
        assert (row["last_status"], row["last_attempt_at"]) == ("running", AFTERNOON - MIN)
        assert row["age"] == 4 * MIN and row["is_stale"] is False


def test_rows_and_size_of_a_refreshed_view_and_the_view_reads_now(db):
    with connect(db) as conn:
        conn.execute("CALL pgfresh.refresh_view('mv_booking_trends', 'manual')")
        conn.execute("ANALYZE analytics.mv_booking_trends")
        rows = conn.execute("SELECT count(*) FROM analytics.mv_booking_trends").fetchone()[0]
        status = conn.execute(
            "SELECT row_estimate, total_bytes, is_stale, age < interval '1 minute', last_status "
            "FROM pgfresh.refresh_status WHERE view_name = 'mv_booking_trends'").fetchone()
        assert status[0] == rows and status[1] > 0
        assert status[2:] == (False, True, "success")


def test_the_dashboard_reader_reads_refresh_status_and_nothing_behind_it(db):
    with connect(db) as conn:
        conn.execute("SET ROLE dashboard_reader")
        try:
            assert conn.execute("SELECT count(*) FROM pgfresh.refresh_status").fetchone()[0] == SHIPPED
            with pytest.raises(Exception) as err:
                conn.execute("SELECT * FROM pgfresh.alert_incidents")
            assert err.value.sqlstate == "42501"
        finally:
            conn.execute("RESET ROLE")


def test_a_bad_grace_is_refused(db):
    with connect(db) as conn:
        with pytest.raises(Exception) as err:
            conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('stale_grace', 'soon')")
        assert err.value.sqlstate == "PF104"


def test_a_view_without_a_policy_is_listed_unscheduled_and_never_stale(db):
    with connect(db) as conn:
        conn.execute("CREATE MATERIALIZED VIEW analytics.mv_test_unscheduled AS SELECT 1 AS x WITH NO DATA")
        row = status_at(conn, AFTERNOON)["mv_test_unscheduled"]
        assert (row["cadence"], row["slot_start"], row["expected_interval"], row["business_hours"]) == (
            None, None, None, None)
        assert (row["is_stale"], row["paused"], row["age"]) == (False, False, None)
        assert row["consecutive_failures"] == 0
