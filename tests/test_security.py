"""Who may do what: every grant checked both ways, in the roles' own sessions (SET ROLE).

- dashboard_reader (created NOLOGIN when missing) reads the analytics views and
  pgfresh.job_runs, and nothing else; another login role reads through membership.
- anon and authenticated (Supabase's API roles, created here the way Supabase sets them
  up, default privileges in public included) can read or run none of it.
- Every function refuses PUBLIC; the SECURITY DEFINER ones pin search_path; the two
  procedures are SECURITY INVOKER without SET, or they could not COMMIT.
"""

from __future__ import annotations

import psycopg
import pytest

from .conftest import connect, run_alembic

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase

ENGINE_TABLES = (
    "pgfresh.refresh_queue", "pgfresh.alert_incidents", "pgfresh.settings", "pgfresh.view_sources")
CALLS = (
    "CALL pgfresh.refresh_view('mv_booking_trends')",
    "CALL pgfresh.process_queue()",
    "CALL pgfresh.refresh_materialized_views_each('mv_booking_trends')",
    "SELECT * FROM pgfresh.refresh_materialized_views('mv_booking_trends')",
    "SELECT pgfresh.refresh_view_now('mv_booking_trends', 'manual')",
    "SELECT pgfresh.request_refresh('mv_booking_trends')",
    "SELECT * FROM pgfresh.managed_views()",
    "SELECT * FROM pgfresh.purge_history()",
    "SELECT * FROM pgfresh.mark_abandoned_runs()",
    "SELECT pgfresh.setting('business_timezone')",
)

SUPABASE_ROLES_SQL = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO anon, authenticated;
GRANT ALL ON ALL TABLES IN SCHEMA public TO anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated;
"""


def refused(conn: psycopg.Connection, sql: str) -> str | None:
    """The SQLSTATE with which ``sql`` fails (None if it succeeds), rolled back either way."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


def test_the_reader_role_reads_the_views_and_job_runs_and_nothing_else(db, pg_setup):
    with connect(db) as conn:
        conn.execute("CALL pgfresh.refresh_view('mv_booking_trends', 'manual')")
        assert conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dashboard_reader'").fetchone() == (False,)
    # SET ROLE takes membership of the role: a superuser's session (Supabase's postgres has none).
    with connect(pg_setup.admin(db)) as conn:
        conn.execute("SET ROLE dashboard_reader")
        assert refused(conn, "SELECT * FROM analytics.mv_booking_trends") is None
        assert refused(conn, "SELECT * FROM pgfresh.job_runs") is None
        for table in ENGINE_TABLES:
            assert refused(conn, f"SELECT * FROM {table}") == "42501", table
        assert refused(conn, "INSERT INTO pgfresh.job_runs (view_name, source) VALUES ('x', 'y')") == "42501"
        assert refused(conn, "DELETE FROM pgfresh.job_runs") == "42501"
        assert refused(conn, "REFRESH MATERIALIZED VIEW analytics.mv_booking_trends") == "42501"
        for call in CALLS:
            assert refused(conn, call) == "42501", call
        conn.execute("RESET ROLE")


def test_the_reader_role_may_read_every_shipped_view(db):
    with connect(db) as conn:
        unreadable = conn.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'analytics' AND c.relkind = 'm'
               AND NOT has_table_privilege('dashboard_reader', c.oid, 'SELECT')""").fetchall()
        assert unreadable == [], "each views/ file must GRANT SELECT ... TO dashboard_reader"


def test_another_login_role_reads_through_membership_of_dashboard_reader(db, pg_setup):
    # The role grants; the superuser's session plays the other login role (SET ROLE).
    with connect(db) as conn, connect(pg_setup.admin(db)) as admin:
        conn.execute("CALL pgfresh.refresh_view('mv_booking_trends', 'manual')")
        conn.execute("DROP ROLE IF EXISTS test_metabase")
        conn.execute("CREATE ROLE test_metabase LOGIN")
        try:
            admin.execute("SET ROLE test_metabase")
            assert refused(admin, "SELECT * FROM analytics.mv_booking_trends") == "42501"
            admin.execute("RESET ROLE")
            conn.execute("GRANT dashboard_reader TO test_metabase")
            admin.execute("SET ROLE test_metabase")
            assert refused(admin, "SELECT * FROM analytics.mv_booking_trends") is None
            assert refused(admin, "SELECT * FROM pgfresh.refresh_queue") == "42501"
            admin.execute("RESET ROLE")
        finally:
            # DROP OWNED takes the role's privileges (PostgreSQL 15: CREATEROLE is not enough).
            admin.execute("DROP OWNED BY test_metabase")
            admin.execute("DROP ROLE test_metabase")


def test_supabase_api_roles_can_read_or_run_none_of_it(schema_db):
    with connect(schema_db) as conn:
        conn.execute(SUPABASE_ROLES_SQL)
    run_alembic(schema_db, "upgrade", "head")
    with connect(schema_db) as conn:
        conn.execute("CALL pgfresh.refresh_view('mv_booking_trends', 'manual')")
        for role in ("anon", "authenticated"):
            # The catalog: no schema usage, no relation, no function, in either schema.
            leaks = conn.execute("""
                SELECT 'schema ' || n.nspname FROM pg_namespace n
                 WHERE n.nspname IN ('analytics', 'pgfresh')
                   AND has_schema_privilege(%(r)s, n.oid, 'USAGE')
                UNION ALL
                SELECT 'relation ' || c.oid::regclass
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname IN ('analytics', 'pgfresh')
                   AND has_table_privilege(%(r)s, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
                UNION ALL
                SELECT 'function ' || p.oid::regprocedure
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('analytics', 'pgfresh')
                   AND has_function_privilege(%(r)s, p.oid, 'EXECUTE')
            """, {"r": role}).fetchall()
            assert leaks == [], role
            # And in its own session, both ways: public (Supabase's grant) yes, ours no.
            conn.execute(f"SET ROLE {role}")
            assert refused(conn, "SELECT count(*) FROM public.bookings") is None
            assert refused(conn, "SELECT * FROM analytics.mv_booking_trends") == "42501"
            assert refused(conn, "SELECT * FROM pgfresh.job_runs") == "42501"
            for call in CALLS:
                assert refused(conn, call) == "42501", (role, call)
            conn.execute("RESET ROLE")
        # The capture triggers run as their owner: an API role writing a source table
        # (Supabase grants that in public) still enqueues, with no privilege on pgfresh.
        conn.execute("INSERT INTO pgfresh.view_sources "
                     "VALUES ('public.equipment', 'mv_booking_trends', NULL)")
        conn.execute("SET ROLE authenticated")
        conn.execute("INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
                     "VALUES ('Lift', 'access', 90, '2024-01-01')")
        conn.execute("RESET ROLE")
        assert conn.execute("SELECT source_table, operation FROM pgfresh.source_changes "
                            "WHERE source_table = 'public.equipment'").fetchall() == [
            ("public.equipment", "INSERT")]
    run_alembic(schema_db, "downgrade", "base")


def test_functions_refuse_public_and_definers_pin_their_search_path(db):
    with connect(db) as conn:
        procs = conn.execute("""
            SELECT p.oid::regprocedure::text, p.prokind, p.prosecdef, p.proconfig,
                   has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'pgfresh' ORDER BY 1""").fetchall()
    assert len(procs) >= 15
    for name, kind, definer, config, public_may_execute in procs:
        assert not public_may_execute, name
        if kind == "p":
            assert not definer and config is None, f"{name}: a procedure that COMMITs must be INVOKER, no SET"
        elif definer:
            assert config[0] == "search_path=pg_catalog, pgfresh", name
    definers = {n for n, _, d, _, _ in procs if d}
    assert {"pgfresh._begin_run(text,text)", "pgfresh._execute_run(bigint,boolean)",
            "pgfresh.refresh_view_now(text,text,boolean)", "pgfresh.tg__record_everything()",
            "pgfresh.tg_bookings__record_update()", "pgfresh._take_changes(text)"} <= definers


def test_nothing_of_the_engine_lives_in_public(db):
    with connect(db) as conn:
        ours = conn.execute("""
            SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public'
            UNION ALL
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('m', 'v')""").fetchall()
        assert ours == []


@pytest.mark.parametrize("sql", [
    "SELECT pgfresh.refresh_view_now('mv_booking_trends', 'rpc')",
    "CALL pgfresh.refresh_view('mv_booking_trends', 'rpc')",
])
def test_a_hostile_search_path_changes_nothing(db, sql):
    with connect(db) as conn:
        conn.execute("CREATE SCHEMA evil")
        conn.execute("CREATE TABLE evil.job_runs (id int)")
        conn.execute("SET search_path = evil, public")
        conn.execute(sql)
        conn.execute("RESET search_path")
        assert conn.execute("SELECT count(*) FROM evil.job_runs").fetchone()[0] == 0
        assert conn.execute("SELECT status FROM pgfresh.job_runs").fetchall() == [("success",)]
