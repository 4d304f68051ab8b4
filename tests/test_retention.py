"""Retention: pgfresh.purge_history() deletes old history, from day one (pg_cron #416)."""

from __future__ import annotations

import psycopg
import pytest

from .conftest import connect, run_alembic

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase

OLD_RUNS_SQL = """
INSERT INTO pgfresh.job_runs (view_name, source, status, started_at, finished_at)
VALUES ('mv_booking_trends', 'old', 'success', now() - interval '40 days', now() - interval '40 days'),
       ('mv_booking_trends', 'old', 'failed', now() - interval '31 days', now() - interval '31 days'),
       ('mv_booking_trends', 'recent', 'success', now() - interval '29 days', now() - interval '29 days'),
       ('mv_booking_trends', 'stuck', 'running', now() - interval '90 days', NULL);
INSERT INTO pgfresh.refresh_queue (view_name, reason, enqueued_at)
VALUES ('mv_gone', 'orphan', now() - interval '40 days'),
       ('mv_gone', 'recent orphan', now() - interval '1 day'),
       ('mv_booking_trends', 'old but pending', now() - interval '40 days');
INSERT INTO pgfresh.source_changes (source_table, operation, recorded_at)
VALUES ('public.no_view_reads_this', 'INSERT', now() - interval '40 days'),
       ('public.bookings', 'INSERT', now() - interval '40 days');
"""


def test_purge_history_deletes_what_is_older_than_the_setting(db):
    with connect(db) as conn:
        conn.execute(OLD_RUNS_SQL)
        deleted = conn.execute("SELECT * FROM pgfresh.purge_history()").fetchall()
        assert deleted == [("pgfresh.job_runs", 2), ("pgfresh.refresh_queue", 1),
                           ("pgfresh.source_changes", 1)]  # no pg_cron here
        # A change is not history: the one a managed view has not taken stays, whatever its age.
        assert conn.execute("SELECT source_table FROM pgfresh.source_changes").fetchall() == [
            ("public.bookings",)]
        assert [r[0] for r in conn.execute("SELECT source FROM pgfresh.job_runs ORDER BY id")] == [
            "recent", "stuck"]
        assert [r[0] for r in conn.execute("SELECT reason FROM pgfresh.refresh_queue ORDER BY id")] == [
            "recent orphan", "old but pending"]
        conn.execute("INSERT INTO pgfresh.settings VALUES ('job_runs_retention', '7 days')")
        # (the settings change is recorded too; no view reads that key, so it goes at once)
        assert conn.execute("SELECT * FROM pgfresh.purge_history()").fetchall() == [
            ("pgfresh.job_runs", 1), ("pgfresh.refresh_queue", 0), ("pgfresh.source_changes", 1)]
        assert conn.execute("SELECT * FROM pgfresh.purge_history('12 hours')").fetchall() == [
            ("pgfresh.job_runs", 0), ("pgfresh.refresh_queue", 1), ("pgfresh.source_changes", 0)]


@pytest.mark.parametrize("age", ["0", "-1 day"])
def test_purge_history_refuses_a_non_positive_age(db, age):
    with connect(db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("SELECT * FROM pgfresh.purge_history(%s::interval)", [age])
    assert err.value.sqlstate == "PF105"


def test_purge_history_deletes_old_pg_cron_run_details_where_pg_cron_lives(cron_db):
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        conn.execute("""
            INSERT INTO cron.job_run_details (jobid, runid, command, status, start_time, end_time)
            VALUES (0, -1, 'old', 'succeeded', now() - interval '40 days', now() - interval '40 days'),
                   (0, -2, 'never connected', 'failed', NULL, now() - interval '40 days'),
                   (0, -3, 'recent', 'succeeded', now() - interval '1 day', now() - interval '1 day')
        """)
        try:
            deleted = dict(conn.execute("SELECT * FROM pgfresh.purge_history()").fetchall())
            assert deleted["cron.job_run_details"] == 2
            assert conn.execute("SELECT command FROM cron.job_run_details WHERE jobid = 0").fetchall() == [
                ("recent",)]
        finally:
            conn.execute("DELETE FROM cron.job_run_details WHERE jobid = 0")
