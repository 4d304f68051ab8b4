"""Migrations: pytest-alembic's invariants, run with real Alembic on real PostgreSQL."""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from alembic.script import ScriptDirectory

from pgfresh.localdb import PG_BIN
from pgfresh.revision import alembic_config, head_state
from pgfresh.sources import parse_all, read_tree

from .conftest import ROOT, connect, run_alembic

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase

PROJECT_SCHEMAS = ("analytics", "pgfresh")


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(ROOT))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def schema_dump(url: str) -> str:
    """Normalized DDL of everything but Alembic's bookkeeping schema."""
    out = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--schema-only", "--no-owner", "--exclude-schema=pgfresh",
         "--exclude-schema=cron", "--dbname", url],
        check=True, capture_output=True, text=True,
    ).stdout
    lines = [
        ln for ln in out.splitlines()
        if ln and not ln.startswith(("--", "\\")) and "SET " not in ln  # \restrict: per dump
    ]
    return "\n".join(lines)


def project_objects(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Relations, functions and types in pgfresh's schemas, except Alembic's version table."""
    return conn.execute(
        """
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY(%(s)s) AND c.relname NOT LIKE 'alembic_version%%'
        UNION ALL
        SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = ANY(%(s)s)
        UNION ALL
        SELECT n.nspname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace
         WHERE NOT t.tgisinternal AND (n.nspname = ANY(%(s)s) OR fn.nspname = ANY(%(s)s))
        UNION ALL
        SELECT nspname, '(schema)' FROM pg_namespace WHERE nspname = 'analytics'
        ORDER BY 1, 2
        """,
        {"s": list(PROJECT_SCHEMAS)},
    ).fetchall()


def test_single_head_revision():
    script = ScriptDirectory.from_config(alembic_config(ROOT))
    assert len(script.get_heads()) == 1


def test_head_installs_exactly_the_source_files():
    state, _, _ = head_state(ROOT)
    assert sorted(state) == sorted(read_tree(ROOT))


def test_upgrade(cron_db):
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        names = {f"{s}.{n}" for s, n in project_objects(conn)}
        version = conn.execute("SELECT version_num FROM pgfresh.alembic_version").fetchone()[0]
    assert version == revisions()[-1]
    defined = set()
    for src in parse_all(read_tree(ROOT)).values():
        for key in src.defines:
            kind, _, name = key.partition(":")
            if kind in ("rel", "func"):
                defined.add(name)
    assert defined <= names, f"not installed: {sorted(defined - names)}"


def test_downgrade_leaves_no_trace(cron_db):
    before = schema_dump(cron_db)
    run_alembic(cron_db, "upgrade", "head")
    run_alembic(cron_db, "downgrade", "base")
    with connect(cron_db) as conn:
        assert project_objects(conn) == []
        left = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'pgfresh' ORDER BY 1"
        ).fetchall()
    assert [r[0] for r in left] == ["alembic_version", "alembic_version_pkc"]
    assert "CREATE TABLE public.bookings" in before
    assert schema_dump(cron_db) == before


def test_up_down_consistency(cron_db):
    """Every revision upgrades, downgrades and upgrades again, one step at a time."""
    for rev in revisions():
        run_alembic(cron_db, "upgrade", rev)
        run_alembic(cron_db, "downgrade", "-1")
        run_alembic(cron_db, "upgrade", rev)
    run_alembic(cron_db, "downgrade", "base")
    run_alembic(cron_db, "upgrade", "head")


def test_upgrade_is_one_transaction_that_changes_nothing_on_failure(schema_db):
    with connect(schema_db) as conn:
        conn.execute("CREATE SCHEMA analytics")  # collides with setup/analytics.sql
    with pytest.raises(Exception, match="analytics"):
        run_alembic(schema_db, "upgrade", "head")
    with connect(schema_db) as conn:
        assert conn.execute("SELECT to_regclass('pgfresh.job_runs')").fetchone()[0] is None
        assert conn.execute("SELECT to_regclass('pgfresh.alembic_version')").fetchone()[0] is None
