"""The seed's entry point, pgfresh.refresh_materialized_views(id), and its JSON log lines."""

from __future__ import annotations

import json

import psycopg
import pytest

from .conftest import connect

# A Wednesday in July, noon in New York (the default business time zone): business hours.
NOON = "2026-07-15 12:00 America/New_York"
# The same day at 23:00 local: outside business hours.
LATE = "2026-07-15 23:00 America/New_York"

# The seed's cadence table (section 2), as the sets each job must refresh on a database
# with no refresh history (every view is due).
EXPECTED = {
    (NOON, "cron_dashboard_15min"): ["mv_dashboard_kpis"],
    (NOON, "cron_dashboard_hourly"): ["mv_booking_trends", "mv_equipment_utilization",
                                      "mv_financial_summary", "mv_revenue_trends"],
    (NOON, "cron_dashboard_5min"): ["mv_alert_candidates", "mv_support_sla"],
    (NOON, "cron_dashboard_nightly"): ["mv_customer_cohorts"],
    (LATE, "cron_dashboard_15min"): [],
    (LATE, "cron_dashboard_hourly"): ["mv_booking_trends", "mv_dashboard_kpis",
                                      "mv_equipment_utilization", "mv_financial_summary",
                                      "mv_revenue_trends"],
}


def runs(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("SELECT view_name, source, status FROM pgfresh.job_runs ORDER BY id").fetchall()


@pytest.mark.parametrize(("at", "job"), list(EXPECTED))
def test_a_cron_job_id_refreshes_exactly_its_due_views(db, at, job):
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT view_name, source, status FROM pgfresh.refresh_materialized_views(%s, %s)",
            [job, at],
        ).fetchall()
        assert sorted(r[0] for r in rows) == EXPECTED[(at, job)]
        assert {(r[1], r[2]) for r in rows} <= {(job, "success")}
        assert runs(conn) == rows
        order = [r[0] for r in conn.execute(
            "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order")]
        assert [r[0] for r in rows] == [v for v in order if v in EXPECTED[(at, job)]]


def test_due_refreshes_every_due_view_with_the_job_of_its_slot_as_source(db):
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT view_name, source, status FROM pgfresh.refresh_materialized_views('due', %s)", [NOON]
        ).fetchall()
        want = {(v, job) for (at, job), views in EXPECTED.items() if at == NOON for v in views}
        assert {(v, s) for v, s, _ in rows} == want and {st for *_, st in rows} == {"success"}
        order = [r[0] for r in conn.execute(
            "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order")]
        assert [r[0] for r in rows] == order


def test_run_due_is_the_procedure_under_another_name(db):
    """run_due(at, job) is refresh_materialized_views_each(job, at => at), and NULL is 'due':
    same decision at the same instant, same refused ids."""
    with connect(db) as conn:
        conn.execute("CALL pgfresh.run_due(%s, 'cron_dashboard_15min')", [LATE])
        assert runs(conn) == []
        conn.execute(
            "CALL pgfresh.refresh_materialized_views_each('cron_dashboard_15min', p_at => %s)", [LATE])
        assert runs(conn) == []
        conn.execute("CALL pgfresh.run_due(%s, 'cron_dashboard_15min')", [NOON])
        assert runs(conn) == [("mv_dashboard_kpis", "cron_dashboard_15min", "success")]
        # Every view is due at NOON: the refresh above started after it (now), and due_views
        # counts only the runs up to the instant it is asked about.
        conn.execute("CALL pgfresh.run_due(%s)", [NOON])
        managed = sorted(v for (v,) in conn.execute("SELECT view_name FROM pgfresh.managed_views()"))
        assert sorted(v for v, *_ in runs(conn)[1:]) == managed
        with pytest.raises(psycopg.Error) as err:
            conn.execute("CALL pgfresh.run_due(p_job => 'cron_nope')")
        assert err.value.sqlstate == "PF401"


def test_a_view_name_refreshes_that_view_and_a_second_call_refreshes_it_again(db):
    with connect(db) as conn:
        for name in ("mv_support_sla", "analytics.mv_support_sla"):
            rows = conn.execute(
                "SELECT view_name, source, status, id FROM pgfresh.refresh_materialized_views(%s)", [name]
            ).fetchall()
            assert [r[:3] for r in rows] == [("mv_support_sla", "manual", "success")]
        assert conn.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'mv_support_sla'"
                            ).fetchone()[0] is True


def test_queue_refreshes_the_views_with_pending_requests_once(db):
    with connect(db) as conn:
        for view in ("mv_revenue_trends", "mv_revenue_trends", "mv_support_sla"):
            conn.execute("SELECT pgfresh.request_refresh(%s, 'test')", [view])
        rows = conn.execute(
            "SELECT view_name, source, status FROM pgfresh.refresh_materialized_views('queue')"
        ).fetchall()
        assert sorted(rows) == [("mv_revenue_trends", "queue", "success"),
                                ("mv_support_sla", "queue", "success")]
        assert conn.execute("SELECT count(*) FROM pgfresh.refresh_queue").fetchone()[0] == 0


@pytest.mark.parametrize("bad", ["cron_nope", "mv_nope", "mv_support_sla; DROP TABLE pgfresh.job_runs",
                                 "", None, "MV_SUPPORT_SLA"])
def test_an_unknown_id_is_refused_and_refreshes_nothing(db, bad):
    with connect(db) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute("SELECT * FROM pgfresh.refresh_materialized_views(%s)", [bad])
        assert err.value.sqlstate == "PF401"
        with pytest.raises(psycopg.Error) as err:
            conn.execute("CALL pgfresh.refresh_materialized_views_each(%s)", [bad])
        assert err.value.sqlstate == "PF401"
        assert runs(conn) == []
        assert conn.execute("SELECT count(*) FROM pg_matviews WHERE schemaname = 'analytics' "
                            "AND ispopulated").fetchone()[0] == 0


def test_the_procedure_commits_view_by_view_and_returns_the_outcomes(db):
    with connect(db) as conn:
        outcomes = conn.execute(
            "CALL pgfresh.refresh_materialized_views_each('cron_dashboard_5min')").fetchone()[0]
        assert sorted((o["view"], o["source"], o["status"]) for o in outcomes) == [
            ("mv_alert_candidates", "cron_dashboard_5min", "success"),
            ("mv_support_sla", "cron_dashboard_5min", "success"),
        ]
        assert [o["job_run_id"] for o in outcomes] == [
            r[0] for r in conn.execute("SELECT id FROM pgfresh.job_runs ORDER BY id")]
        # Just refreshed: nothing is due any more in this slot.
        again = conn.execute(
            "CALL pgfresh.refresh_materialized_views_each('cron_dashboard_5min')").fetchone()[0]
        assert again == []


def test_every_attempt_writes_one_json_log_line(db, cluster):
    with connect(db) as conn:
        conn.execute("SELECT pgfresh.request_refresh('mv_support_sla', 'test')")
        rows = conn.execute(
            "SELECT id, view_name, source, status FROM pgfresh.refresh_materialized_views('queue')"
        ).fetchall()
        skipped = conn.execute(
            "SELECT id FROM pgfresh.job_runs WHERE status = 'skipped'").fetchall()
        assert rows and not skipped
    run_id = rows[0][0]
    lines = [ln for ln in cluster.logfile.read_text().splitlines() if '"event": "pgfresh.refresh"' in ln]
    records = [json.loads(ln.split("LOG:  ", 1)[1]) for ln in lines]
    mine = [r for r in records if r["job_run_id"] == run_id and r["database"] == db.rsplit("/", 1)[1]]
    assert len(mine) == 1
    record = mine[0]
    assert record["view"] == "mv_support_sla" and record["source"] == "queue"
    assert record["status"] == "success" and record["error"] is None and record["sqlstate"] is None
    assert isinstance(record["duration_ms"], (int, float)) and record["duration_ms"] >= 0


def test_a_failed_attempt_logs_its_error_and_sqlstate(db, cluster):
    with connect(db) as conn:
        conn.execute("CREATE MATERIALIZED VIEW analytics.mv_test_broken AS "
                     "SELECT 1 / (SELECT count(*) FROM public.users)::int AS x WITH NO DATA")
        conn.execute("CREATE UNIQUE INDEX mv_test_broken_x_idx ON analytics.mv_test_broken (x)")
        row = conn.execute(
            "SELECT id, status, sqlstate FROM pgfresh.refresh_materialized_views('mv_test_broken')"
        ).fetchone()
    assert row[1:] == ("failed", "22012")
    lines = [ln for ln in cluster.logfile.read_text().splitlines() if '"event": "pgfresh.refresh"' in ln]
    records = [json.loads(ln.split("LOG:  ", 1)[1]) for ln in lines]
    mine = [r for r in records if r["job_run_id"] == row[0] and r["database"] == db.rsplit("/", 1)[1]]
    assert [(r["status"], r["sqlstate"]) for r in mine] == [("failed", "22012")]
    assert "division by zero" in mine[0]["error"]


def test_service_role_may_call_it_and_anon_may_not(db):
    with connect(db) as conn:
        for role in ("service_role", "anon"):
            conn.execute(f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; EXCEPTION WHEN duplicate_object "
                         "THEN NULL; END $$")
        # The grant the README documents for Supabase:
        conn.execute("GRANT USAGE ON SCHEMA pgfresh TO service_role")
        conn.execute("GRANT EXECUTE ON FUNCTION pgfresh.refresh_materialized_views(text, timestamptz) "
                     "TO service_role")
        conn.execute("SET ROLE service_role")
        rows = conn.execute(
            "SELECT status FROM pgfresh.refresh_materialized_views('mv_support_sla')").fetchall()
        assert rows == [("success",)]
        conn.execute("RESET ROLE")
        conn.execute("SET ROLE anon")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM pgfresh.refresh_materialized_views('mv_support_sla')")
        conn.execute("RESET ROLE")
