"""The pg_cron jobs of cron/: installed by the revision in the pg_cron database, idempotent
by name, removed exactly on downgrade; a database without pg_cron is refused with a way
out (without_cron)."""

from __future__ import annotations

import pglast
import psycopg
import pytest

from .conftest import ROOT, connect, run_alembic

# The tests marked supabase run under both setups: as a superuser and as Supabase's postgres
# role (conftest.py); the parametrized checks of arguments, pure logic, as the superuser.


def cron_sources() -> dict[str, tuple[str, str, list[str]]]:
    """job name -> (schedule, command, statements) from the files of cron/."""
    out = {}
    for path in sorted((ROOT / "cron").glob("*.sql")):
        text = path.read_text()
        for raw in pglast.parse_sql(text):
            name, schedule, command = (a.val.sval for a in raw.stmt.targetList[0].val.args)
            out[name] = (schedule, command, [s for s in pglast.split(text) if s.strip()])
    return out


PROJECT_JOBS = set(cron_sources())


def jobs(conn: psycopg.Connection) -> list[tuple]:
    """(name, jobid, schedule, command, database) of every job in cron.job."""
    return conn.execute(
        "SELECT jobname, jobid, schedule, command, database FROM cron.job ORDER BY jobname, jobid"
    ).fetchall()


def test_the_jobs_are_named_with_the_seed_prefix_and_call_plpgsql_only():
    assert PROJECT_JOBS >= {"cron_dashboard_15min", "cron_dashboard_hourly", "cron_dashboard_nightly",
                            "cron_dashboard_5min", "cron_dashboard_queue"}
    for name, (_, command, _) in cron_sources().items():
        assert name.startswith("cron_dashboard_")
        assert command.startswith(("CALL pgfresh.", "SELECT pgfresh."))


@pytest.mark.supabase
def test_upgrade_schedules_the_jobs_and_downgrade_removes_exactly_them(cron_db, pg_setup):
    with connect(cron_db) as conn:
        foreign = [
            conn.execute("SELECT cron.schedule(%s, %s, %s)", job).fetchone()[0]
            for job in (["nightly_vacuum_report", "17 4 * * *", "SELECT 1"],
                        ["cron_dashboard_custom", "*/7 * * * *", "SELECT 2"])
        ]
        others_before = jobs(conn)
    try:
        run_alembic(cron_db, "upgrade", "head")
        with connect(cron_db) as conn:
            installed = {name: (schedule, command, db) for name, _, schedule, command, db in jobs(conn)}
        assert set(installed) == PROJECT_JOBS | {"nightly_vacuum_report", "cron_dashboard_custom"}
        for name, (schedule, command, _) in cron_sources().items():
            expected = "* * * * *" if schedule == "30 seconds" else schedule  # pg_cron 1.4: no seconds
            assert installed[name] == (expected, command, pg_setup.cron_db)
        run_alembic(cron_db, "downgrade", "base")
        with connect(cron_db) as conn:
            assert jobs(conn) == others_before
    finally:
        with connect(cron_db) as conn:
            for jobid in foreign:
                conn.execute("SELECT cron.unschedule(%s::bigint)", [jobid])


@pytest.mark.supabase
def test_scheduling_again_updates_each_job_in_place_and_leaves_other_roles_jobs_alone(cron_db, pg_setup):
    run_alembic(cron_db, "upgrade", "head")
    # Scheduling a job for another role takes a superuser (on Supabase: supabase_admin).
    with connect(cron_db) as conn, connect(pg_setup.admin(cron_db)) as admin:
        before = {name: jobid for name, jobid, *_ in jobs(conn)}
        # An operator changed a job by hand; another role scheduled a job of the same name.
        conn.execute("SELECT cron.alter_job(%s, schedule => '*/30 * * * *', command => 'SELECT 1')",
                     [before["cron_dashboard_5min"]])
        admin.execute("DROP ROLE IF EXISTS pgfresh_other")
        admin.execute("CREATE ROLE pgfresh_other LOGIN")
        warnings = []
        conn.add_notice_handler(
            lambda d: warnings.append(d.message_primary) if d.severity == "WARNING" else None)
        try:
            other = admin.execute("SELECT cron.schedule_in_database('cron_dashboard_5min', '1 1 * * *', "
                                  "'SELECT 2', current_database(), 'pgfresh_other')").fetchone()[0]
            assert [r[0] for r in jobs(conn)].count("cron_dashboard_5min") == 2
            # What an upgrade runs: the statements of cron/, twice.
            for _ in range(2):
                for _, _, statements in cron_sources().values():
                    for stmt in statements:
                        conn.execute(stmt)
            after = jobs(conn)
        finally:
            admin.execute("DELETE FROM cron.job WHERE username = 'pgfresh_other'")
            admin.execute("DROP ROLE pgfresh_other")
    # The other role's job is not this role's to change (pg_cron refuses a non-superuser):
    # left alone, with a WARNING at each scheduling.
    assert [(s, c) for n, j, s, c, _ in after if j == other] == [("1 1 * * *", "SELECT 2")]
    assert warnings and all("pgfresh_other" in w for w in warnings)
    ours = [row for row in after if row[1] != other]
    assert {name: jobid for name, jobid, *_ in ours} == before
    assert len(ours) == len(before)
    schedule, command, _ = cron_sources()["cron_dashboard_5min"]
    assert [(s, c) for n, _, s, c, _ in ours if n == "cron_dashboard_5min"] == [(schedule, command)]


@pytest.mark.supabase
def test_a_job_name_taken_in_another_database_is_refused(cron_db):
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        conn.execute("SELECT pgfresh.unschedule_job('cron_dashboard_nightly')")
        other = conn.execute("SELECT cron.schedule_in_database('cron_dashboard_nightly', '0 3 * * *', "
                             "'SELECT 1', 'template1')").fetchone()[0]
        try:
            with pytest.raises(psycopg.Error) as err:
                conn.execute("SELECT pgfresh.schedule_job('cron_dashboard_nightly', '0 * * * *', "
                             "'CALL pgfresh.run_due()')")
            assert err.value.sqlstate == "PF301"
            assert conn.execute("SELECT database, command FROM cron.job WHERE jobid = %s",
                                [other]).fetchone() == ("template1", "SELECT 1")
            # unschedule_job leaves the other database's job alone too.
            removed = conn.execute("SELECT pgfresh.unschedule_job('cron_dashboard_nightly')").fetchone()[0]
            assert removed is False
            assert conn.execute("SELECT count(*) FROM cron.job WHERE jobid = %s", [other]).fetchone()[0] == 1
        finally:
            conn.execute("SELECT cron.unschedule(%s::bigint)", [other])


@pytest.mark.supabase
def test_pg_cron_refusing_a_schedule_is_a_clear_error(cron_db):
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("SELECT pgfresh.schedule_job('cron_dashboard_typo', '61 * * * *', "
                     "'CALL pgfresh.run_due()')")
    assert err.value.sqlstate == "PF301"
    assert "61 * * * *" in err.value.diag.message_detail


@pytest.mark.supabase
def test_the_cron_revision_stops_without_pg_cron_and_says_how_to_enable_it(schema_db, pg_setup):
    with pytest.raises(psycopg.Error) as err:
        run_alembic(schema_db, "upgrade", "head", without_cron=False)
    assert err.value.sqlstate == "PF302"
    # where pg_cron runs (cron.database_name)
    assert f"database {pg_setup.cron_db} (cron.database_name)" in err.value.diag.message_detail
    for advice in ("cron.database_name", "CREATE EXTENSION pg_cron", "without_cron=true"):
        assert advice in err.value.diag.message_hint
    with connect(schema_db) as conn:
        assert conn.execute("SELECT to_regclass('pgfresh.alembic_version')").fetchone()[0] is None
        assert conn.execute("SELECT to_regnamespace('analytics')").fetchone()[0] is None


@pytest.mark.supabase
def test_without_cron_installs_everything_but_the_jobs(cron_db):
    with connect(cron_db) as conn:
        before = jobs(conn)
    run_alembic(cron_db, "upgrade", "head", without_cron=True)
    with connect(cron_db) as conn:
        assert jobs(conn) == before
        assert conn.execute("SELECT count(*) FROM pgfresh.refresh_policies").fetchone()[0] == 8
        notices = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary))
        conn.execute("SET pgfresh.without_cron = 'on'")
        assert conn.execute("SELECT pgfresh.schedule_job('cron_dashboard_5min', '*/5 * * * *', "
                            "'CALL pgfresh.run_due()')").fetchone()[0] is None
        assert jobs(conn) == before
    assert any("without_cron is on" in n for n in notices)


@pytest.mark.parametrize(
    ("name", "schedule", "command"),
    [
        ("Cron Dashboard", "* * * * *", "CALL pgfresh.run_due()"),
        (None, "* * * * *", "CALL pgfresh.run_due()"),
        ("cron_x", " ", "CALL pgfresh.run_due()"),
        ("cron_x", "* * * * *", "VACUUM"),
        ("cron_x", "* * * * *", "CALL public.anything()"),
        ("cron_x", "* * * * *", "CALL pgfresh.run_due(); DROP TABLE pgfresh.job_runs"),
    ],
)
def test_schedule_job_refuses_invalid_arguments(db, name, schedule, command):
    with connect(db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("SELECT pgfresh.schedule_job(%s, %s, %s)", [name, schedule, command])
    assert err.value.sqlstate == "PF301"


@pytest.mark.parametrize(
    ("schedule", "version", "expected"),
    [("30 seconds", "1.4-1", "* * * * *"), ("30 seconds", "1.5", "30 seconds"),
     ("30 seconds", "1.6", "30 seconds"), ("*/5 * * * *", "1.4-1", "*/5 * * * *"),
     ("1 second", "1.10", "1 second")],
)
def test_seconds_schedules_are_used_where_pg_cron_supports_them(db, schedule, version, expected):
    with connect(db) as conn:
        got = conn.execute("SELECT pgfresh._cron_schedule(%s, %s)", [schedule, version]).fetchone()[0]
    assert got == expected


@pytest.mark.supabase
def test_unscheduling_a_job_that_is_not_there_is_a_notice(db):
    with connect(db) as conn:
        notices = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary))
        assert conn.execute("SELECT pgfresh.unschedule_job('cron_dashboard_5min')").fetchone()[0] is False
    assert notices and "no job cron_dashboard_5min" in notices[0]
