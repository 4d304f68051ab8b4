"""Deploys that never break a dashboard: build-then-swap, bounded lock waits, populated
views after every upgrade and downgrade, offline SQL, data kept. Real concurrent sessions.

A copy of the project gets two views that read mv_support_sla (a plain view and a
materialized view), then a change of mv_support_sla: its revision replaces the view and
both dependents, which is what the readers watch.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from alembic import command

from pgfresh import cli
from pgfresh.localdb import PG_BIN
from pgfresh.revision import alembic_config, generate
from pgfresh.sources import split_statements

from .conftest import ROOT, SCHEMA_TEMPLATE, connect, database, run_alembic
from .test_generator import COPIED, edit
from .test_migrations import schema_dump

PLAIN_DEPENDENT = """\
-- analytics.v_sla_recent: the last 7 days of mv_support_sla (a test dependent).
-- requires: views/mv_support_sla.sql
CREATE VIEW analytics.v_sla_recent AS
SELECT s.bucket_date, s.tickets_resolved
FROM analytics.mv_support_sla AS s
WHERE s.bucket_date > current_date - 7;

COMMENT ON VIEW analytics.v_sla_recent IS 'Last 7 days of mv_support_sla.';
GRANT SELECT ON analytics.v_sla_recent TO dashboard_reader;
"""

MATVIEW_DEPENDENT = """\
-- analytics.mv_sla_monthly: tickets resolved per month (a test dependent).
-- requires: views/mv_support_sla.sql
CREATE MATERIALIZED VIEW analytics.mv_sla_monthly AS
SELECT date_trunc('month', s.bucket_date)::date AS month, sum(s.tickets_resolved) AS tickets_resolved
FROM analytics.mv_support_sla AS s
GROUP BY 1
WITH NO DATA;

CREATE UNIQUE INDEX mv_sla_monthly_month_idx ON analytics.mv_sla_monthly (month);
COMMENT ON MATERIALIZED VIEW analytics.mv_sla_monthly IS 'Tickets resolved per month.';
GRANT SELECT ON analytics.mv_sla_monthly TO dashboard_reader;
"""

CHANGED = "views/mv_support_sla.sql"
READ = ("SELECT (SELECT count(*) FROM analytics.mv_support_sla), "
        "(SELECT count(*) FROM analytics.mv_sla_monthly), (SELECT count(*) FROM analytics.v_sla_recent)")


@pytest.fixture(scope="module")
def deploy_project(tmp_path_factory, cluster) -> tuple[Path, str]:
    """(project root, the revision before the change): head replaces mv_support_sla."""
    root = tmp_path_factory.mktemp("deploy")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy(src, root / name)
    (root / "views" / "v_sla_recent.sql").write_text(PLAIN_DEPENDENT)
    (root / "views" / "mv_sla_monthly.sql").write_text(MATVIEW_DEPENDENT)
    before = generate("test dependents", cluster.url("postgres"), root).stem
    edit(root / CHANGED, "count(*) AS tickets_resolved", "count(*)::integer AS tickets_resolved")
    generate("sla resolved as integer", cluster.url("postgres"), root)
    return root, before


def migrate(url: str, action: str, target: str, root: Path, **options) -> None:
    cfg = alembic_config(root, url)
    cfg.attributes.update({"quiet": True, "without_cron": True, **options})
    getattr(command, action)(cfg, target)


class Reader(threading.Thread):
    """A dashboard: runs ``sql`` every ``every`` seconds, recording each wait and error."""

    def __init__(self, url: str, sql: str = READ, every: float = 0.01):
        super().__init__(daemon=True)
        self.url, self.sql, self.every = url, sql, every
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        with connect(self.url, application_name="dashboard-reader") as conn:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    conn.execute(self.sql).fetchall()
                except psycopg.Error as exc:
                    self.failures.append(str(exc).splitlines()[0])
                self.waits.append(time.monotonic() - started)
                time.sleep(self.every)

    def finish(self) -> Reader:
        self.stop.set()
        self.join()
        return self


def long_read(url: str, seconds: float) -> threading.Thread:
    """A dashboard query that holds mv_support_sla for ``seconds``."""
    def run():
        with connect(url, application_name="dashboard-long-read") as conn:
            conn.execute("SELECT (SELECT count(*) FROM analytics.mv_support_sla), pg_sleep(%s)", (seconds,))
    t = threading.Thread(target=run, daemon=True)
    t.start()
    time.sleep(0.2)
    return t


def with_readers(url: str, deploy, long_seconds: float | None) -> Reader:
    reader = Reader(url)
    reader.start()
    time.sleep(0.2)
    holder = long_read(url, long_seconds) if long_seconds else None
    deploy()
    time.sleep(0.2)
    if holder:
        holder.join()
    return reader.finish()


def report(what: str, reader: Reader) -> str:
    return (f"{what}: {len(reader.waits)} reads, {len(reader.failures)} failed, "
            f"longest wait {max(reader.waits) * 1000:.0f} ms")


def test_swap_keeps_every_read_working_where_drop_and_create_blocks_and_breaks(
        deploy_project, schema_db, capsys):
    root, before = deploy_project
    migrate(schema_db, "upgrade", before, root)

    # Upgrade with a 1.5 s dashboard read in the way: the swap waits at most lock_timeout
    # per attempt, then lets the readers through and tries again after the read ends.
    swap_up = with_readers(schema_db, lambda: migrate(
        schema_db, "upgrade", "head", root, lock_timeout="200ms", lock_attempts="10"), 1.5)
    with connect(schema_db) as conn:
        assert conn.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                            "'analytics' AND table_name = 'v_sla_recent' AND column_name = "
                            "'tickets_resolved'").fetchone()[0] == "integer"
    # Downgrade with nothing in the way: the swap's own wait.
    swap_down = with_readers(schema_db, lambda: migrate(schema_db, "downgrade", "-1", root), None)
    with connect(schema_db) as conn:
        assert conn.execute("SELECT relname FROM pg_class WHERE relkind = 'm' AND NOT relispopulated"
                            ).fetchall() == []
        assert conn.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                            "'analytics' AND table_name = 'v_sla_recent' AND column_name = "
                            "'tickets_resolved'").fetchone()[0] == "bigint"
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_\\_pgfresh'"
                            ).fetchone()[0] == 0

    # What the revision did before build-then-swap: drop the views, create them again.
    new_texts = [(root / p).read_text() for p in (CHANGED, "views/mv_sla_monthly.sql",
                                                     "views/v_sla_recent.sql", "views/support_sla_live.sql")]

    def drop_and_create():
        with connect(schema_db) as conn, conn.transaction():
            for stmt in ("DROP VIEW analytics.support_sla_live", "DROP VIEW analytics.v_sla_recent",
                         "DROP MATERIALIZED VIEW analytics.mv_sla_monthly",
                         "DROP MATERIALIZED VIEW analytics.mv_support_sla"):
                conn.execute(stmt)
            for text in new_texts:
                for stmt in split_statements("view", text):
                    conn.execute(stmt)

    dropped = with_readers(schema_db, drop_and_create, 1.5)
    with capsys.disabled():
        print("\n  " + "\n  ".join([report("swap upgrade, 1.5 s read in the way", swap_up),
                                    report("swap downgrade, nothing in the way", swap_down),
                                    report("drop and create, 1.5 s read in the way", dropped)]))
    assert swap_up.failures == [] and swap_down.failures == []
    # After the commit every read fails until a refresh (some readers die in a deadlock).
    assert any("has not been populated" in f for f in dropped.failures)
    assert max(dropped.waits) > 0.5, "the drop waits for the long read, and the readers with it"
    assert max(swap_up.waits) < max(dropped.waits)


def test_a_held_lock_fails_the_upgrade_with_pf501_naming_the_blocker_and_changes_nothing(
        deploy_project, schema_db):
    root, before = deploy_project
    migrate(schema_db, "upgrade", before, root)
    dump = schema_dump(schema_db)
    with connect(schema_db, application_name="report-export") as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM analytics.mv_support_sla")  # holds it till ROLLBACK
        pid = holder.info.backend_pid
        with pytest.raises(psycopg.Error) as failed:
            migrate(schema_db, "upgrade", "head", root, lock_timeout="100ms", lock_attempts="2")
        holder.execute("ROLLBACK")
    err = failed.value
    assert err.sqlstate == "PF501"
    detail = err.diag.message_detail
    assert f"pid {pid}" in detail and "report-export" in detail and "AccessShareLock" in detail
    assert "2 attempts" in detail and "100ms" in detail
    assert schema_dump(schema_db) == dump
    with connect(schema_db) as conn:
        assert conn.execute("SELECT version_num FROM pgfresh.alembic_version").fetchone()[0] == before


def test_a_first_install_leaves_every_view_populated_and_recorded(schema_db):
    run_alembic(schema_db, "upgrade", "head")
    with connect(schema_db) as conn:
        runs = conn.execute("SELECT DISTINCT view_name FROM pgfresh.job_runs "
                            "WHERE source = 'migration' AND status = 'success' ORDER BY 1").fetchall()
        # A materialized view is populated; an incremental one (a table) was built in full
        # by the migration (with no source rows it holds none).
        views = conn.execute(
            "SELECT r.view_name, CASE WHEN r.incremental THEN r.view_name = ANY(%s) "
            "ELSE c.relispopulated END FROM pgfresh._managed_relations() AS r "
            "JOIN pg_class AS c ON c.oid = r.relid ORDER BY 1", [[v for (v,) in runs]]).fetchall()
    assert len(views) == 8 and all(populated for _, populated in views)
    assert [r[0] for r in runs] == [v[0] for v in views]


def test_offline_sql_applied_with_psql_gives_the_schema_of_the_online_upgrade(
        deploy_project, cluster, schema_db):
    root, _ = deploy_project
    online = schema_db
    with database(cluster, "t_offline", SCHEMA_TEMPLATE) as offline:
        migrate(online, "upgrade", "head", root)
        cfg = alembic_config(root, offline)
        cfg.output_buffer = io.StringIO()
        cfg.attributes.update(quiet=True, without_cron=True)
        command.upgrade(cfg, "head", sql=True)
        script = cfg.output_buffer.getvalue()
        assert "SET LOCAL lock_timeout = '500ms'" in script and "__pgfresh RENAME TO" in script
        subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", offline],
                       input=script, check=True, capture_output=True, text=True)
        assert schema_dump(offline) == schema_dump(online)
        # What make lint does to the repository's revisions, here with builds and swaps.
        lint = subprocess.run([str(Path(sys.executable).parent / "squawk"), "--config",
                               str(ROOT / ".squawk.toml"), "--stdin-filepath", "upgrade.sql"],
                              input=script, capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout


def test_history_settings_policies_and_foreign_cron_jobs_survive_an_upgrade_and_a_downgrade(
        deploy_project, cron_db):
    root, before = deploy_project
    migrate(cron_db, "upgrade", before, root, without_cron=False)
    kept = {
        "job_runs": "SELECT id, view_name, source, status FROM pgfresh.job_runs ORDER BY id",
        "refresh_queue": "SELECT * FROM pgfresh.refresh_queue ORDER BY id",
        "alert_incidents": "SELECT id, view_name, consecutive_failures FROM pgfresh.alert_incidents",
        "settings": "SELECT key, value FROM pgfresh.settings ORDER BY key",
        "refresh_policies": "SELECT * FROM pgfresh.refresh_policies WHERE paused",
        "foreign cron job": "SELECT jobname, schedule, command FROM cron.job WHERE jobname = 'erp_sync'",
    }
    with connect(cron_db) as conn:
        conn.execute("CALL pgfresh.refresh_view('mv_support_sla', 'test')")
        conn.execute("SELECT pgfresh.request_refresh('mv_support_sla', 'test request')")
        conn.execute("INSERT INTO pgfresh.alert_incidents (view_name, consecutive_failures) "
                     "VALUES ('mv_support_sla', 4)")
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('incident_after_failures', '5')")
        conn.execute("UPDATE pgfresh.refresh_policies SET paused = TRUE WHERE view_name = 'mv_support_sla'")
        conn.execute("SELECT cron.schedule('erp_sync', '0 3 * * *', 'SELECT 1')")
        snapshot = {k: conn.execute(q).fetchall() for k, q in kept.items()}
    try:
        assert all(snapshot.values()), snapshot
        migrate(cron_db, "upgrade", "head", root, without_cron=False)
        migrate(cron_db, "downgrade", before, root, without_cron=False)
        with connect(cron_db) as conn:
            after = {k: conn.execute(q).fetchall() for k, q in kept.items()}
            migration_runs = conn.execute("SELECT count(*) FROM pgfresh.job_runs WHERE source = 'migration' "
                                          "AND view_name IN ('mv_support_sla', 'mv_sla_monthly') AND id > %s",
                                          (snapshot["job_runs"][-1][0],)).fetchone()[0]
        assert after["job_runs"][:len(snapshot["job_runs"])] == snapshot["job_runs"]
        assert migration_runs == 4  # mv_support_sla and mv_sla_monthly built, up and down
        for key in kept.keys() - {"job_runs"}:
            assert after[key] == snapshot[key], key
    finally:
        with connect(cron_db) as conn:
            conn.execute("SELECT cron.unschedule('erp_sync')")
        migrate(cron_db, "downgrade", "base", root, without_cron=False)


def test_plan_lists_builds_swap_locks_and_expected_times(deploy_project, schema_db, capsys):
    root, before = deploy_project
    migrate(schema_db, "upgrade", before, root)
    with connect(schema_db) as conn:
        conn.execute("CALL pgfresh.refresh_view('mv_support_sla', 'test')")
    assert cli.main(["--root", str(root), "--database-url", schema_db, "plan", "--json"]) == 0
    steps = {s["step"]: s for s in json.loads(capsys.readouterr().out)}
    build = steps["build views/mv_support_sla.sql"]
    assert build["kind"] == "build" and build["objects"] == ["analytics.mv_support_sla"]
    assert "AccessShareLock on public.support_tickets (nobody waits)" in build["locks"]
    assert "last 2 refreshes" in build["expected"]  # the test's refresh and the migration's build
    swap = steps["swap"]
    assert "AccessExclusiveLock on analytics.mv_support_sla (readers and writers wait)" in swap["locks"]
    assert steps["build views/v_sla_recent.sql"]["expected"] == "instant (a plain view)"
    assert cli.main(["--root", str(root), "--database-url", schema_db, "plan"]) == 0
    text = capsys.readouterr().out
    assert "swap" in text and "expected:" in text
    migrate(schema_db, "upgrade", "head", root)
    assert cli.main(["--root", str(root), "--database-url", schema_db, "plan"]) == 0
    assert "nothing to do" in capsys.readouterr().out
