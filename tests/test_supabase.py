"""As Supabase's `postgres` role, and as a role with less.

Every test here runs in the Supabase-like cluster (tests/supabase_roles.sql): the fixture
itself is checked against SUPABASE-NOTES.md; the pgfresh commands that touch a database
run as `postgres`; the revisions as plain SQL go in the way the Supabase CLI applies a
migration file; and a role with less than Supabase grants (no pg_monitor, a privilege on
pg_cron's objects missing) gets pgfresh SQLSTATEs, having changed nothing.
(The migration, engine and cron modules run under this setup too: `pytest.mark.supabase`.)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgfresh import cli, demo

from .conftest import ROOT, Setup, connect, run_alembic

pytestmark = pytest.mark.parametrize("pg_setup", ["supabase"], indirect=True)

BIN = Path(sys.executable).parent
JOB = ("cron_dashboard_5min", "*/5 * * * *",
       "CALL pgfresh.refresh_materialized_views_each('cron_dashboard_5min')")


def cron_jobs(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT jobid, jobname, schedule, command, username FROM cron.job ORDER BY jobid").fetchall()


@contextlib.contextmanager
def lacking(pg_setup: Setup, url: str, revoke: str, restore: str) -> Iterator[None]:
    """The role without something Supabase grants it, for the duration of the block (the
    superuser revokes it, then restores it)."""
    with connect(pg_setup.admin(url)) as admin:
        admin.execute(revoke)
        try:
            yield
        finally:
            admin.execute(restore)


NO_PG_MONITOR = ("REVOKE pg_monitor FROM postgres", "GRANT pg_monitor TO postgres")


# -- the fixture is what SUPABASE-NOTES.md says a hosted project is ---------------------


def test_the_migration_role_is_supabases_postgres_not_a_superuser(cron_db, pg_setup):
    with connect(cron_db) as conn:
        me = conn.execute("""
            SELECT current_user, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolreplication,
                   rolbypassrls, rolconfig
              FROM pg_roles WHERE rolname = current_user""").fetchone()
        assert me == ("postgres", False, True, True, True, True, True,
                      ['search_path="$user", public, extensions'])
        member_of = {r for (r,) in conn.execute("""
            SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = 'postgres'::regrole""")}
        assert member_of == {"pg_monitor", "pg_read_all_data", "pg_signal_backend",
                             "anon", "authenticated", "service_role"}
        assert conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = "
                            "current_database()").fetchone() == ("postgres",)
        # pg_cron: in the application database, created and owned by the superuser.
        assert conn.execute("SELECT current_setting('cron.database_name')").fetchone() == ("postgres",)
        assert conn.execute("""
            SELECT e.extnamespace::regnamespace::text, pg_get_userbyid(e.extowner), r.rolsuper
              FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner
             WHERE e.extname = 'pg_cron'""").fetchone() == ("pg_catalog", "supabase_admin", True)
        privileges = dict(conn.execute("""
            SELECT t, array_agg(p ORDER BY p) FILTER (WHERE has_table_privilege(t, p))
              FROM unnest(ARRAY['cron.job', 'cron.job_run_details']) AS t,
                   unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                                'TRIGGER']) AS p
             GROUP BY t""").fetchall())
        assert privileges == {
            "cron.job": ["SELECT"],
            "cron.job_run_details": ["DELETE", "INSERT", "REFERENCES", "SELECT", "TRUNCATE", "UPDATE"]}
        assert conn.execute("SELECT has_schema_privilege('cron', 'USAGE'), "
                            "has_function_privilege('cron.alter_job(bigint,text,text,text,text,boolean)', "
                            "'EXECUTE')").fetchone() == (True, True)
        # The API roles, as Supabase creates them.
        api = conn.execute("""
            SELECT rolname, rolcanlogin, rolinherit, rolbypassrls FROM pg_roles
             WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator')
             ORDER BY rolname""").fetchall()
        assert api == [("anon", False, True, False), ("authenticated", False, True, False),
                       ("authenticator", True, False, False), ("service_role", False, True, True)]
        assert {r for (r,) in conn.execute("""
            SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = 'authenticator'::regrole""")} == {"anon", "authenticated", "service_role"}
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no ALTER SYSTEM here
        with connect(cron_db) as conn:
            conn.execute("ALTER SYSTEM SET cron.database_name = 'x'")


# -- what the role runs: jobs, the pgfresh commands, the revisions as plain SQL ---------


def test_the_jobs_are_the_roles_own_and_run_as_it(cron_db):
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        owners = {u for _, n, _, _, u in cron_jobs(conn) if n.startswith("cron_dashboard_")}
        # pg_cron inserts them as the extension owner, for the role that scheduled them.
        assert owners == {"postgres"}
        owner = conn.execute("SELECT pg_get_userbyid(relowner) FROM pg_class "
                             "WHERE oid = 'pgfresh.job_runs'::regclass").fetchone()[0]
        assert owner == "postgres"


def test_revision_works_as_the_role(cron_db, pg_setup, tmp_path):
    """`pgfresh revision` validates in a scratch database next to the target (CREATEDB):
    schema/ and every source applied as the role, then dropped."""
    project = tmp_path / "project"
    for name in ("setup", "tables", "functions", "views", "triggers", "cron", "schema", "migrations",
                 "alembic.ini"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    view = project / "views" / "mv_booking_trends.sql"
    view.write_text(view.read_text().replace(
        "coalesce(bd.no_show, 0) AS no_shows,",
        "coalesce(bd.no_show, 0) AS no_shows,\n        coalesce(bd.completed, 0) AS completions,", 1))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["--database-url", cron_db, "--root", str(project), "revision", "-m", "edit"]) == 0
        assert cli.main(["--root", str(project), "check"]) == 0
    assert "wrote migrations/versions/" in out.getvalue()
    with connect(pg_setup.admin(cron_db)) as admin:
        assert admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'pgfresh_scratch_%'"
                             ).fetchone()[0] == 0


def test_lint_says_plpgsql_check_needs_a_superuser(cron_db, capsys):
    assert cli.main(["--database-url", cron_db, "lint"]) == 2
    err = capsys.readouterr().err
    assert "may not create extension plpgsql_check" in err and "make lint" in err


def test_the_demo_steps_load_refresh_and_show_the_schedules_as_the_role(schema_db, cron_db, capsys):
    run_alembic(schema_db, "upgrade", "head")
    with connect(schema_db) as conn:
        counts = demo.load_sample_if_empty(conn, scale=0.003, seed=3)
        assert counts["bookings"] > 0
        views = [v for (v,) in conn.execute("SELECT view_name FROM pgfresh.managed_views() "
                                            "ORDER BY refresh_order")]
        for view in views:
            conn.execute("CALL pgfresh.refresh_view(%s, 'demo')", [view])
        fresh = conn.execute("SELECT view_name, last_status FROM pgfresh.refresh_status "
                             "ORDER BY view_name").fetchall()
        assert fresh == [(v, "success") for v in sorted(views)]
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        demo.show_schedules(conn)
    shown = capsys.readouterr().out
    assert "cron_dashboard_queue" in shown and "next scheduled refresh of each view" in shown


def test_the_revisions_as_plain_sql_apply_as_the_supabase_cli_does(cron_db, pg_setup):
    """`alembic -x begin_commit=false upgrade head --sql` into a migration file; the CLI
    logs in as a role of its own, `SET SESSION ROLE postgres`, and runs the file in one
    transaction. The jobs are then postgres's, and Alembic online agrees on the version."""
    script = subprocess.run(
        [str(BIN / "alembic"), "-x", "begin_commit=false", "upgrade", "head", "--sql"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": cron_db}, check=True, capture_output=True, text=True,
    ).stdout
    lines = script.splitlines()
    assert "BEGIN;" not in lines and "COMMIT;" not in lines
    with connect(cron_db) as conn:  # a project pgfresh never touched: no version table yet
        conn.execute("DROP SCHEMA pgfresh CASCADE")
    with connect(pg_setup.admin(cron_db)) as admin:
        admin.execute("DROP ROLE IF EXISTS cli_login_postgres")
        admin.execute("CREATE ROLE cli_login_postgres LOGIN NOINHERIT IN ROLE postgres")
    try:
        url = psycopg.conninfo.make_conninfo(cron_db, user="cli_login_postgres")
        with psycopg.connect(url) as conn:  # one transaction, committed at the end of the block
            conn.execute("SET SESSION ROLE postgres")
            conn.execute(script)
        with connect(cron_db) as conn:
            jobs = [(n, u) for _, n, _, _, u in cron_jobs(conn) if n.startswith("cron_dashboard_")]
            assert len(jobs) == 7 and {u for _, u in jobs} == {"postgres"}
            version = conn.execute("SELECT version_num FROM pgfresh.alembic_version").fetchone()[0]
            owner = conn.execute("SELECT pg_get_userbyid(nspowner) FROM pg_namespace "
                                 "WHERE nspname = 'analytics'").fetchone()[0]
        assert owner == "postgres"
        assert version in script
    finally:
        with connect(pg_setup.admin(cron_db)) as admin:
            admin.execute("DROP ROLE cli_login_postgres")
    # The cron_db fixture's online `alembic downgrade base` then undoes it all.


# -- a role with less: without pg_monitor, without a privilege on pg_cron ---------------


def test_without_cron_schedule_job_reads_no_superuser_only_setting(db, pg_setup):
    """What the cron/ files run in a without_cron upgrade, by a role that may not read
    cron.database_name or shared_preload_libraries."""
    with lacking(pg_setup, db, *NO_PG_MONITOR), connect(db) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT current_setting('cron.database_name')")
        conn.execute("SET pgfresh.without_cron = 'on'")
        assert conn.execute("SELECT pgfresh.schedule_job(%s, %s, %s)", JOB).fetchone() == (None,)
        assert conn.execute("SELECT pgfresh.unschedule_job(%s)", JOB[:1]).fetchone() == (False,)


def test_without_pg_read_all_settings_missing_pg_cron_is_pf302_saying_why(db, pg_setup):
    with lacking(pg_setup, db, *NO_PG_MONITOR), connect(db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("SELECT pgfresh.schedule_job(%s, %s, %s)", JOB)
    assert err.value.sqlstate == "PF302"
    assert "pg_read_all_settings" in err.value.diag.message_detail
    assert "without_cron=true" in err.value.diag.message_hint


SCHEDULE = "cron.schedule(text,text,text)"
ALTER_JOB = "cron.alter_job(bigint,text,text,text,text,boolean)"
UNSCHEDULE = "cron.unschedule(bigint)"
# (what is missing as DETAIL names it, the GRANT the HINT gives, revoke, restore). pg_cron's
# own defaults grant SELECT on cron.job and EXECUTE on schedule/unschedule to PUBLIC;
# pg_read_all_data brings USAGE on every schema and SELECT on every table.
MISSING = [
    ("USAGE on schema cron", "GRANT USAGE ON SCHEMA cron TO postgres",
     "REVOKE USAGE ON SCHEMA cron FROM postgres; REVOKE pg_read_all_data FROM postgres",
     "GRANT USAGE ON SCHEMA cron TO postgres; GRANT pg_read_all_data TO postgres"),
    ("SELECT on table cron.job", "GRANT SELECT ON cron.job TO postgres",
     "REVOKE SELECT ON cron.job FROM postgres, PUBLIC; REVOKE pg_read_all_data FROM postgres",
     "GRANT SELECT ON cron.job TO postgres, PUBLIC; GRANT pg_read_all_data TO postgres"),
    (f"EXECUTE on function {UNSCHEDULE}", f"GRANT EXECUTE ON FUNCTION {UNSCHEDULE} TO postgres",
     f"REVOKE EXECUTE ON FUNCTION {UNSCHEDULE} FROM postgres, PUBLIC",
     f"GRANT EXECUTE ON FUNCTION {UNSCHEDULE} TO postgres, PUBLIC"),
    (f"EXECUTE on function {SCHEDULE}", f"GRANT EXECUTE ON FUNCTION {SCHEDULE} TO postgres",
     f"REVOKE EXECUTE ON FUNCTION {SCHEDULE} FROM postgres, PUBLIC",
     f"GRANT EXECUTE ON FUNCTION {SCHEDULE} TO postgres, PUBLIC"),
    (f"EXECUTE on function {ALTER_JOB}", f"GRANT EXECUTE ON FUNCTION {ALTER_JOB} TO postgres",
     f"REVOKE EXECUTE ON FUNCTION {ALTER_JOB} FROM postgres",
     f"GRANT EXECUTE ON FUNCTION {ALTER_JOB} TO postgres"),
    ("LOGIN", "ALTER ROLE postgres LOGIN", "ALTER ROLE postgres NOLOGIN", "ALTER ROLE postgres LOGIN"),
]


def test_with_pg_cron_the_jobs_need_no_pg_monitor_and_a_missing_privilege_is_pf601(cron_db, pg_setup):
    """One install, then each privilege taken away in turn: scheduling (and, where it needs
    it, removing) a job stops with PF601, DETAIL naming what is missing and HINT the grant,
    and no job changed. Without pg_monitor both work."""
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:  # opened before: a role without LOGIN keeps its session
        before = cron_jobs(conn)
        with lacking(pg_setup, cron_db, *NO_PG_MONITOR):
            jobid = conn.execute("SELECT pgfresh.schedule_job(%s, %s, %s)", JOB).fetchone()[0]
            assert jobid in [j for j, *_ in before] and cron_jobs(conn) == before
        for missing, grant, revoke, restore in MISSING:
            with lacking(pg_setup, cron_db, revoke, restore):
                calls = [("SELECT pgfresh.schedule_job(%s, %s, %s)", JOB)]
                if missing in (MISSING[0][0], MISSING[1][0], MISSING[2][0]):  # removing needs these too
                    calls.append(("SELECT pgfresh.unschedule_job(%s)", JOB[:1]))
                for sql, args in calls:
                    with pytest.raises(psycopg.Error) as err:
                        conn.execute(sql, args)
                    assert err.value.sqlstate == "PF601", (missing, sql)
                    assert err.value.diag.message_detail.startswith(f"Missing: {missing}"), missing
                    assert err.value.diag.message_detail.count(";") == 0, missing  # nothing else
                    assert grant in err.value.diag.message_hint, missing
            assert cron_jobs(conn) == before, missing
        assert conn.execute("SELECT pgfresh.unschedule_job(%s)", JOB[:1]).fetchone() == (True,)


def test_without_pg_monitor_alembic_upgrade_without_cron_succeeds(schema_db, pg_setup):
    with lacking(pg_setup, schema_db, *NO_PG_MONITOR):
        run_alembic(schema_db, "upgrade", "head", without_cron=True)
        run_alembic(schema_db, "downgrade", "base", without_cron=True)


def test_a_fresh_install_without_usage_on_cron_fails_and_installs_nothing(cron_db, pg_setup):
    # The landed revision 0001 schedules its jobs with the schedule_job it installs, which
    # predates PF601, so on a fresh install PostgreSQL's own 42501 stops it; PF601 comes
    # from every later schedule_job call (the test above). The one transaction of the
    # upgrade leaves nothing behind either way.
    with lacking(pg_setup, cron_db, *MISSING[0][2:]):
        with pytest.raises(psycopg.Error) as err:
            run_alembic(cron_db, "upgrade", "head")
        assert err.value.sqlstate == "42501"
    with connect(cron_db) as conn:
        assert conn.execute("SELECT to_regclass('pgfresh.job_runs'), to_regnamespace('analytics')"
                            ).fetchone() == (None, None)
        assert [n for _, n, *_ in cron_jobs(conn) if n.startswith("cron_dashboard_")] == []
