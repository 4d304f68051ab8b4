"""pgfresh.run_due with the real refresh engine, and one real pg_cron tick."""

from __future__ import annotations

import time

import pytest

from .conftest import SETUPS, connect, run_alembic

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase

# Two small views of schema analytics, one reading the other, each with its policy: they
# give the dependency order something to order without the (large) views of the seed.
TEST_VIEWS = """
CREATE MATERIALIZED VIEW analytics.mv_test_base AS SELECT 1 AS id WITH NO DATA;
CREATE UNIQUE INDEX mv_test_base_id_idx ON analytics.mv_test_base (id);
CREATE MATERIALIZED VIEW analytics.mv_test_top AS SELECT id FROM analytics.mv_test_base WITH NO DATA;
CREATE UNIQUE INDEX mv_test_top_id_idx ON analytics.mv_test_top (id);
INSERT INTO pgfresh.refresh_policies (view_name, cadence, refresh_every, cron_job)
VALUES ('mv_test_top', 'every', '5 minutes', 'cron_dashboard_5min'),
       ('mv_test_base', 'every', '5 minutes', 'cron_dashboard_5min');
"""


def runs(conn, since_id: int = 0) -> list[tuple]:
    return conn.execute(
        "SELECT id, view_name, source, status FROM pgfresh.job_runs WHERE id > %s ORDER BY id", [since_id]
    ).fetchall()


def test_run_due_refreshes_what_is_due_in_dependency_order_with_the_job_as_source(db):
    with connect(db) as conn:
        for stmt in TEST_VIEWS.split(";\n"):
            if stmt.strip():
                conn.execute(stmt)
        managed = {v for (v,) in conn.execute("SELECT view_name FROM pgfresh.managed_views()")}
        order = dict(conn.execute("SELECT view_name, refresh_order FROM pgfresh.managed_views()").fetchall())
        assert order["mv_test_top"] > order["mv_test_base"]

        conn.execute("CALL pgfresh.run_due(p_job => 'cron_dashboard_5min')")
        five = runs(conn)
        # Only the existing views of the job: the seed's 5-minute views are skipped when they
        # do not exist yet, and fail nothing.
        expected = {"mv_test_base", "mv_test_top"} | ({"mv_support_sla", "mv_alert_candidates"} & managed)
        assert {v for _, v, _, _ in five} == expected
        assert {(s, st) for _, _, s, st in five} == {("cron_dashboard_5min", "success")}
        ids = {v: i for i, v, _, _ in five}
        assert ids["mv_test_base"] < ids["mv_test_top"]
        assert [order[v] for _, v, _, _ in five] == sorted(order[v] for _, v, _, _ in five)

        # Refreshed in their slot: not due again.
        last = five[-1][0]
        conn.execute("CALL pgfresh.run_due(p_job => 'cron_dashboard_5min')")
        assert runs(conn, last) == []

        # Every job at once, as an outside scheduler would call it: the rest of what is due.
        conn.execute("CALL pgfresh.run_due()")
        rest = runs(conn, last)
        assert "mv_booking_trends" in {v for _, v, _, _ in rest}
        assert {v for _, v, _, _ in rest} <= managed - {"mv_test_base", "mv_test_top"}
        assert all(st == "success" for *_, st in rest)
        sources = dict(conn.execute(
            "SELECT view_name, source FROM pgfresh.job_runs WHERE id > %s", [last]).fetchall())
        assert sources["mv_booking_trends"] == "cron_dashboard_hourly"


def test_a_paused_view_is_not_scheduled_but_still_refreshes_by_hand(db):
    with connect(db) as conn:
        conn.execute("SELECT pgfresh.pause_schedule('mv_booking_trends')")
        conn.execute("CALL pgfresh.run_due()")
        assert "mv_booking_trends" not in {v for _, v, _, _ in runs(conn)}
        conn.execute("CALL pgfresh.refresh_view('mv_booking_trends')")
        assert runs(conn)[-1][1:] == ("mv_booking_trends", "manual", "success")
        # Resumed: its slot has a refresh (the manual one), so nothing more until the next slot.
        conn.execute("SELECT pgfresh.resume_schedule('mv_booking_trends')")
        before = runs(conn)
        conn.execute("CALL pgfresh.run_due(p_job => 'cron_dashboard_hourly')")
        assert runs(conn) == before


def _arm_tick(url: str) -> None:
    """The hourly job every minute with a small test view of its policy; a queued request
    for mv_booking_trends, whose schedule is paused so that only the queue refreshes it."""
    run_alembic(url, "upgrade", "head")
    with connect(url) as conn:
        conn.execute("CREATE MATERIALIZED VIEW analytics.mv_test_tick AS SELECT 1 AS id WITH NO DATA")
        conn.execute("CREATE UNIQUE INDEX mv_test_tick_id_idx ON analytics.mv_test_tick (id)")
        conn.execute("INSERT INTO pgfresh.refresh_policies (view_name, cadence, refresh_every, cron_job) "
                     "VALUES ('mv_test_tick', 'every', '1 hour', 'cron_dashboard_hourly')")
        conn.execute("SELECT pgfresh.pause_schedule('mv_booking_trends')")
        conn.execute("SELECT pgfresh.request_refresh('mv_booking_trends', 'test: queue tick')")
        # One round per tick, so that the queue job's run has ended when this test reads
        # cron.job_run_details (the server itself: tests/test_queue_server.py).
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('queue_serve_for', '0 seconds')")
        command = conn.execute(
            "SELECT command FROM cron.job WHERE jobname = 'cron_dashboard_hourly'").fetchone()[0]
        conn.execute("SELECT pgfresh.schedule_job('cron_dashboard_hourly', '* * * * *', %s)", [command])


@pytest.mark.cron
def test_a_real_pg_cron_tick_runs_the_jobs_and_writes_job_runs(request):
    """Waits for pg_cron (about a minute) in the pg_cron database of both setups at once:
    the superuser's cluster, and the Supabase-like one, where the jobs run as the ordinary
    role postgres that scheduled them. The hourly job, rescheduled to every minute for the
    test with its own command, refreshes a small test view of its policy; the queue job
    (every minute on pg_cron 1.4) serves a request for mv_booking_trends."""
    setups = [request.getfixturevalue(f"{name}_setup") for name in SETUPS]
    urls = {s.name: s.url(s.cron_db) for s in setups}
    wanted = {("mv_test_tick", "cron_dashboard_hourly", "success"), ("mv_booking_trends", "queue", "success")}
    seen: dict[str, set[tuple[str, str, str]]] = {name: set() for name in urls}
    details = {}
    try:
        for url in urls.values():
            _arm_tick(url)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not all(s >= wanted for s in seen.values()):
            time.sleep(2)
            for name, url in urls.items():
                with connect(url) as conn:
                    seen[name] = set(conn.execute(
                        "SELECT view_name, source, status FROM pgfresh.job_runs").fetchall())
        for name, url in urls.items():
            with connect(url) as conn:
                details[name] = set(conn.execute(
                    "SELECT j.jobname, d.status, j.username FROM cron.job_run_details AS d "
                    "JOIN cron.job AS j USING (jobid) "
                    "WHERE j.jobname IN ('cron_dashboard_hourly', 'cron_dashboard_queue')").fetchall())
    finally:
        for url in urls.values():
            with connect(url) as conn:
                conn.execute("SELECT pgfresh.unschedule_job('cron_dashboard_hourly')")
                conn.execute("DROP MATERIALIZED VIEW IF EXISTS analytics.mv_test_tick")
            run_alembic(url, "downgrade", "base")
    for name in urls:
        assert seen[name] >= wanted, (name, seen[name])
        assert {("cron_dashboard_hourly", "succeeded", "postgres"),
                ("cron_dashboard_queue", "succeeded", "postgres")} <= details[name], name
