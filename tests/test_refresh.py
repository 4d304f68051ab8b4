"""Refreshing one view: names, advisory lock, job_runs, failures, incidents, abandoned runs.

Concurrency is scripted with real sessions: a refresh of analytics.mv_test_gated is held
mid-way by a session that locks its source table (tests/engine.py), so every interleaving
below is reached by waiting for a state, never by sleeping.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from .conftest import ROOT, connect
from .engine import (
    Background,
    Gate,
    install_test_views,
    queued,
    reasons_of,
    runs,
    set_failing,
    wait_until,
    waiting_on_lock,
)

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase


@pytest.fixture
def edb(db: str) -> str:
    """A fresh database with head and the test-only views."""
    install_test_views(db)
    return db


def test_managed_views_are_the_analytics_materialized_views_in_dependency_order(edb):
    with connect(edb) as conn:
        conn.execute("""
            CREATE MATERIALIZED VIEW analytics.mv_z_base AS SELECT 1 AS id WITH NO DATA;
            CREATE VIEW analytics.v_between AS SELECT id FROM analytics.mv_z_base;
            CREATE MATERIALIZED VIEW analytics.mv_a_derived AS
                SELECT id FROM analytics.v_between WITH NO DATA;
            CREATE MATERIALIZED VIEW analytics.mv_m_top AS
                SELECT d.id, t.cohort_month FROM analytics.mv_a_derived AS d
                CROSS JOIN analytics.mv_customer_cohorts AS t WITH NO DATA;
            CREATE SCHEMA elsewhere;
            CREATE MATERIALIZED VIEW elsewhere.mv_other AS SELECT 1 AS id WITH NO DATA;
        """)
        order = conn.execute(
            "SELECT view_name, refresh_order FROM pgfresh.managed_views() ORDER BY refresh_order"
        ).fetchall()
        edges = conn.execute("SELECT * FROM pgfresh.managed_view_dependencies()").fetchall()
    names = [v for v, _ in order]
    assert [o for _, o in order] == list(range(1, len(order) + 1))
    shipped = {p.stem for p in (ROOT / "views").glob("mv_*.sql")}
    assert set(names) == shipped | {"mv_test_gated", "mv_test_fragile",
                                    "mv_z_base", "mv_a_derived", "mv_m_top"}
    # Each view after the views it reads, even through a plain view; ties by name.
    assert names.index("mv_z_base") < names.index("mv_a_derived") < names.index("mv_m_top")
    assert names.index("mv_customer_cohorts") < names.index("mv_m_top")
    assert names[-2:] == ["mv_a_derived", "mv_m_top"]
    assert sorted(edges) == [("mv_a_derived", "mv_z_base"), ("mv_m_top", "mv_a_derived"),
                             ("mv_m_top", "mv_customer_cohorts")]


@pytest.mark.parametrize("name", [
    "mv_nope",
    "mv_customer_cohorts; DROP TABLE pgfresh.job_runs",
    'analytics."mv_customer_cohorts"',
    "MV_CUSTOMER_COHORTS",
    "public.bookings",
    "v_between",
    None,
])
def test_an_unknown_or_injected_name_is_refused_and_nothing_runs(edb, name):
    with connect(edb) as conn:
        for sql in ("CALL pgfresh.refresh_view(%s)",
                    "SELECT pgfresh.refresh_view_now(%s, 'manual')",
                    "SELECT pgfresh.request_refresh(%s)"):
            with pytest.raises(psycopg.Error) as err:
                conn.execute(sql, [name])
            assert err.value.sqlstate == "PF101", sql
        assert conn.execute("SELECT count(*) FROM pgfresh.job_runs").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pgfresh.refresh_queue").fetchone()[0] == 0
        assert conn.execute("SELECT to_regclass('pgfresh.job_runs')").fetchone()[0] is not None


def test_a_refresh_needs_a_source(edb):
    with connect(edb) as conn:
        for source in (None, "", "  "):
            with pytest.raises(psycopg.Error) as err:
                conn.execute("CALL pgfresh.refresh_view('mv_customer_cohorts', %s)", [source])
            assert err.value.sqlstate == "PF102"
        assert conn.execute("SELECT count(*) FROM pgfresh.job_runs").fetchone()[0] == 0


def test_the_first_refresh_populates_and_later_ones_do_not_wait_for_readers(edb):
    with connect(edb) as conn, connect(edb) as reader:
        conn.execute("CALL pgfresh.refresh_view('analytics.mv_customer_cohorts', 'manual')")
        assert conn.execute(
            "SELECT relispopulated FROM pg_class WHERE oid = 'analytics.mv_customer_cohorts'::regclass"
        ).fetchone()[0] is True
        # A reader in an open transaction holds ACCESS SHARE on the view: a plain REFRESH
        # (ACCESS EXCLUSIVE) would wait for it and hit the lock_timeout; CONCURRENTLY does not.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM analytics.mv_customer_cohorts")
        conn.execute("SET lock_timeout = '3s'")
        conn.execute("CALL pgfresh.refresh_view('mv_customer_cohorts', 'cron_dashboard_hourly')")
        reader.execute("COMMIT")
        assert runs(conn, "mv_customer_cohorts") == [
            ("success", "manual", None), ("success", "cron_dashboard_hourly", None)]
        row = conn.execute(
            "SELECT finished_at >= started_at, duration IS NOT NULL, success, backend_pid = pg_backend_pid()"
            "  FROM pgfresh.job_runs ORDER BY id DESC LIMIT 1").fetchone()
        assert row == (True, True, True, True)


def test_overlapping_refreshes_of_one_view_run_once_and_skip_once(edb):
    with connect(edb) as observer, Gate(edb) as gate:
        first = Background(edb, "CALL pgfresh.refresh_view('mv_test_gated', 'cron_a')")
        wait_until(lambda: waiting_on_lock(observer, first.pid), "first refresh held at the gate")
        # The running row was committed before the refresh started: visible from outside.
        assert observer.execute(
            "SELECT status, finished_at, backend_pid FROM pgfresh.job_runs WHERE source = 'cron_a'"
        ).fetchone() == ("running", None, first.pid)

        second = connect(edb)
        second.execute("SET lock_timeout = '3s'")  # would fail, not hang, if it waited
        second.execute("CALL pgfresh.refresh_view('mv_test_gated', 'cron_b')")
        second.close()
        assert runs(observer, "mv_test_gated") == [("running", "cron_a", None), ("skipped", "cron_b", None)]

        gate.release()
        first.join()
        assert runs(observer, "mv_test_gated") == [("success", "cron_a", None), ("skipped", "cron_b", None)]


def test_the_function_form_runs_in_the_callers_transaction(edb):
    with connect(edb) as conn, connect(edb) as other:
        conn.execute("BEGIN")
        row = conn.execute(
            "SELECT (r).status, (r).source FROM pgfresh.refresh_view_now('mv_customer_cohorts', 'rpc') AS r"
        ).fetchone()
        assert row == ("success", "rpc")
        # Holding the view's advisory lock until commit: another refresh skips at once.
        other.execute("SET lock_timeout = '3s'")
        assert other.execute(
            "SELECT (pgfresh.refresh_view_now('mv_customer_cohorts', 'other')).status"
        ).fetchone()[0] == "skipped"
        conn.execute("ROLLBACK")
        assert runs(conn, "mv_customer_cohorts") == [("skipped", "other", None)]
        assert conn.execute("SELECT relispopulated FROM pg_class "
                            "WHERE oid = 'analytics.mv_customer_cohorts'::regclass").fetchone()[0] is False
        # Two views in one transaction: one fails, the other is refreshed; nothing raised.
        set_failing(conn, True)
        conn.execute("BEGIN")
        statuses = conn.execute(
            "SELECT (pgfresh.refresh_view_now(v, 'rpc')).status FROM unnest(%s::text[]) AS v",
            [["mv_test_fragile", "mv_customer_cohorts"]]).fetchall()
        conn.execute("COMMIT")
        assert statuses == [("failed",), ("success",)]


def test_a_failing_view_is_recorded_and_the_others_are_still_refreshed(edb):
    with connect(edb) as conn:
        set_failing(conn, True)
        conn.execute("SELECT pgfresh.request_refresh(v) FROM unnest(%s::text[]) AS v",
                     [["mv_test_fragile", "mv_customer_cohorts", "mv_test_gated"]])
        warnings: list[str] = []
        conn.add_notice_handler(lambda d: warnings.append(d.severity_nonlocalized + " " + d.message_primary))
        conn.execute("CALL pgfresh.process_queue()")
        assert runs(conn, "mv_test_fragile") == [("failed", "queue", "22012")]
        assert runs(conn, "mv_customer_cohorts") == [("success", "queue", None)]
        assert runs(conn, "mv_test_gated") == [("success", "queue", None)]
        error = conn.execute(
            "SELECT error_message FROM pgfresh.job_runs WHERE status = 'failed'").fetchone()[0]
        assert "division by zero" in error
        assert any(w.startswith("WARNING") and "mv_test_fragile" in w for w in warnings)
        # Its request stays (the failed transaction rolled the delete back): that is the retry.
        assert reasons_of(conn, "mv_test_fragile") == ["manual request"]
        assert queued(conn, "mv_customer_cohorts") == queued(conn, "mv_test_gated") == 0


def test_the_fourth_failure_in_a_row_opens_one_incident_and_a_success_resolves_it(edb):
    with connect(edb) as conn, connect(edb) as listener:
        listener.execute("LISTEN pgfresh_incidents")
        set_failing(conn, True)
        for _ in range(3):
            conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'cron_alerts_5min')")
        assert conn.execute("SELECT count(*) FROM pgfresh.alert_incidents").fetchone()[0] == 0

        conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'cron_alerts_5min')")
        opened = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
        conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'cron_alerts_5min')")
        incidents = conn.execute(
            "SELECT id, view_name, consecutive_failures, resolved_at, last_sqlstate "
            "FROM pgfresh.alert_incidents"
        ).fetchall()
        assert len(incidents) == 1
        incident_id, view, failures, resolved_at, sqlstate = incidents[0]
        assert (view, failures, resolved_at, sqlstate) == ("mv_test_fragile", 5, None, "22012")
        assert len(opened) == 1
        assert opened[0]["event"] == "opened" and opened[0]["incident_id"] == incident_id
        assert opened[0]["view_name"] == "mv_test_fragile" and opened[0]["consecutive_failures"] == 4
        assert opened[0]["last_sqlstate"] == "22012" and "division by zero" in opened[0]["last_error"]

        set_failing(conn, False)
        conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'manual')")
        later = [json.loads(n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
        assert [(n["event"], n["incident_id"]) for n in later] == [("resolved", incident_id)]
        assert later[0]["resolved_at"] is not None and later[0]["resolved_by_run_id"] is not None
        # Exactly two notifications in all: nothing for failures 1-3 and 5.
        assert list(listener.notifies(timeout=0.5)) == []
        resolved = conn.execute(
            "SELECT resolved_at IS NOT NULL, resolved_by_run_id = (SELECT max(id) FROM pgfresh.job_runs) "
            "FROM pgfresh.alert_incidents").fetchone()
        assert resolved == (True, True)
        streak = conn.execute("SELECT consecutive_failures, next_retry_at "
                              "FROM pgfresh.failure_streak('mv_test_fragile')").fetchone()
        assert streak == (0, None)


def test_a_failed_view_is_retried_after_a_growing_capped_delay(edb):
    with connect(edb) as conn:
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES "
                     "('retry_backoff_base', '10 minutes'), ('retry_backoff_max', '25 minutes')")
        set_failing(conn, True)
        delays = []
        for _ in range(4):
            conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'manual')")
            delays.append(conn.execute(
                "SELECT next_retry_at - last_failed_at FROM pgfresh.failure_streak('mv_test_fragile')"
            ).fetchone()[0])
        assert [d.total_seconds() / 60 for d in delays] == [10, 20, 25, 25]

        # The queue waits for the backoff: the retry request stays, no run is made.
        set_failing(conn, False)
        conn.execute("CALL pgfresh.process_queue()")
        assert len(runs(conn, "mv_test_fragile")) == 4
        assert reasons_of(conn, "mv_test_fragile") == ["retry after failed run 1"]  # one is enough

        conn.execute("UPDATE pgfresh.settings SET value = '0' WHERE key LIKE 'retry_backoff_%'")
        conn.execute("CALL pgfresh.process_queue()")
        assert runs(conn, "mv_test_fragile")[-1] == ("success", "queue", None)
        assert conn.execute("SELECT queue_requests FROM pgfresh.job_runs ORDER BY id DESC LIMIT 1"
                            ).fetchone()[0] == 1
        assert queued(conn, "mv_test_fragile") == 0


def test_a_refresh_cancelled_by_statement_timeout_is_recorded_as_failed(edb):
    with connect(edb) as conn, Gate(edb):
        conn.execute("SET statement_timeout = '300ms'")
        row = conn.execute(
            "SELECT (r).status, (r).sqlstate FROM pgfresh.refresh_view_now('mv_test_gated', 'manual') AS r"
        ).fetchone()
        assert row == ("failed", "57014")
        conn.execute("RESET statement_timeout")
        assert runs(conn, "mv_test_gated") == [("failed", "manual", "57014")]


def test_a_killed_refresh_ends_abandoned_and_is_retried(edb):
    with connect(edb) as observer, Gate(edb):
        victim = Background(edb, "CALL pgfresh.refresh_view('mv_test_gated', 'cron_x')")
        wait_until(lambda: waiting_on_lock(observer, victim.pid), "refresh held at the gate")
        # Alive: not abandoned.
        assert observer.execute("SELECT count(*) FROM pgfresh.mark_abandoned_runs()").fetchone()[0] == 0
        assert observer.execute("SELECT pg_terminate_backend(%s)", [victim.pid]).fetchone()[0]
        with pytest.raises(psycopg.OperationalError):
            victim.join()
        wait_until(lambda: not observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [victim.pid]).fetchone()[0],
            "the killed backend to exit")
        assert runs(observer, "mv_test_gated") == [("running", "cron_x", None)]
        marked = observer.execute("SELECT id, status FROM pgfresh.mark_abandoned_runs()").fetchall()
        assert [s for _, s in marked] == ["abandoned"]
    with connect(edb) as conn:
        assert runs(conn, "mv_test_gated") == [("abandoned", "cron_x", None)]
        assert conn.execute(
            "SELECT finished_at IS NOT NULL, error_message LIKE '%%ended before%%' FROM pgfresh.job_runs"
        ).fetchone() == (True, True)
        # A retry is queued; process_queue serves it (and would also have marked the run).
        assert queued(conn, "mv_test_gated") == 1
        conn.execute("CALL pgfresh.process_queue()")
        assert runs(conn, "mv_test_gated")[-1] == ("success", "queue", None)


def test_every_shipped_view_refreshes_through_the_engine_first_plain_then_concurrently(db):
    with connect(db) as conn:
        views = [r[0] for r in conn.execute(
            "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order")]
        assert "mv_customer_cohorts" in views
        # CONCURRENTLY needs a unique index on plain columns, without WHERE.
        without_index = conn.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'analytics' AND c.relkind = 'm'
               AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                                 AND i.indpred IS NULL AND i.indexprs IS NULL)""").fetchall()
        assert without_index == []
        for _ in range(2):
            conn.execute("CALL pgfresh.process_queue()")  # nothing queued: no runs
            for view in views:
                conn.execute("CALL pgfresh.refresh_view(%s, 'test')", [view])
        statuses = conn.execute(
            "SELECT view_name, array_agg(status ORDER BY id) FROM pgfresh.job_runs GROUP BY 1").fetchall()
        assert dict(statuses) == {v: ["success", "success"] for v in views}
