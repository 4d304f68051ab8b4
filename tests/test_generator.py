"""The SQL-to-revision generator and the drift check, on a copy of the project."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pgfresh import cli
from pgfresh.revision import drift, generate, head_state
from pgfresh.sources import SOURCE_DIRS, SourceError, parse_source

from .conftest import ROOT, connect, run_alembic

COPIED = (*SOURCE_DIRS, "schema", "migrations", "alembic.ini")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in COPIED:
        src = ROOT / name
        if not src.exists():
            continue  # an empty source folder is not in git
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    return tmp_path


def digests(root: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (root / "migrations" / "versions").glob("*.py")
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_sources_match_head_in_the_repository():
    assert drift(ROOT) == []


def test_drift_check_fails_after_a_view_edit_and_passes_after_revision(project, cluster, schema_db):
    view = project / "views" / "mv_customer_cohorts.sql"
    edit(view, "coalesce(cs.new_customers, 0) AS new_customers,",
         "coalesce(cs.new_customers, 0) AS new_customers,\n        coalesce(cs.consumer, 0) AS completions,")
    problems = drift(project)
    assert len(problems) == 1 and "views/mv_customer_cohorts.sql" in problems[0]
    assert "+        coalesce(cs.consumer, 0) AS completions," in problems[0]
    assert cli.main(["--root", str(project), "check"]) == 1

    before = digests(project)
    path = generate("customer cohorts: completions per month, a long message", cluster.url("postgres"),
                    project)
    assert path is not None
    assert len(path.stem) <= 32, "alembic_version.version_num is varchar(32)"
    assert digests(project).items() >= before.items(), "an existing revision was modified"
    text = path.read_text()
    assert "replace   views/mv_customer_cohorts.sql" in text
    assert "AS completions" in text
    assert drift(project) == []
    assert cli.main(["--root", str(project), "check"]) == 0

    # The generated revision applies and downgrades on a real database.
    run_alembic(schema_db, "upgrade", "head", project)
    with connect(schema_db) as conn:
        cols = [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'analytics.mv_customer_cohorts'::regclass"
            " AND attnum > 0")]
        assert "completions" in cols
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = "
                            "'mv_customer_cohorts_cohort_month_idx'").fetchone()[0] == 1
    run_alembic(schema_db, "downgrade", "-1", project)
    with connect(schema_db) as conn:
        cols = [r[0] for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'analytics.mv_customer_cohorts'::regclass"
            " AND attnum > 0")]
        assert "completions" not in cols and "new_customers" in cols


def test_editing_a_source_never_changes_what_an_old_revision_installs(project):
    state_before, head_before, _ = head_state(project)
    edit(project / "views" / "mv_customer_cohorts.sql", "count(*) AS new_customers",
         "count(*) AS customers_new")
    state_after, head_after, _ = head_state(project)
    assert (state_after, head_after) == (state_before, head_before)


def test_dependents_of_a_changed_function_are_dropped_and_recreated(project, cluster, schema_db):
    edit(project / "functions" / "setting.sql", "RETURN v_value;", "RETURN v_value;  -- same\n")
    edit(project / "functions" / "setting.sql", "STABLE", "STABLE\nPARALLEL SAFE")
    path = generate("setting parallel safe", cluster.url("postgres"), project)
    text = path.read_text()
    assert "replace   functions/setting.sql" in text
    assert "recreate  views/mv_customer_cohorts.sql" in text
    up = text[text.index("def upgrade"):text.index("def downgrade")]
    # The old function is renamed aside (the old view still calls it), the new view is
    # built after the new function, and the swap drops the old view before the old function.
    assert up.index("ALTER FUNCTION pgfresh.setting(text) RENAME TO setting__pgfresh") < up.index(
        "NEW_FUNCTIONS_SETTING,") < up.index("BUILD_NEW_VIEWS_MV_CUSTOMER_COHORTS,")
    swap = text[text.index("SWAP_NEW = "):]
    assert swap.index("DROP MATERIALIZED VIEW analytics.mv_customer_cohorts") < swap.index(
        "DROP FUNCTION pgfresh.setting__pgfresh(text)")
    run_alembic(schema_db, "upgrade", "head", project)
    run_alembic(schema_db, "downgrade", "base", project)
    run_alembic(schema_db, "upgrade", "head", project)


def test_a_new_file_and_a_removed_file_make_a_revision_that_round_trips(project, cluster, schema_db):
    (project / "functions" / "answer.sql").write_text(
        "-- pgfresh.answer(): a test function.\n"
        "CREATE FUNCTION pgfresh.answer() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 42 $$;\n"
    )
    (project / "triggers" / "settings__validate.sql").unlink()
    path = generate("answer", cluster.url("postgres"), project)
    text = path.read_text()
    assert "create    functions/answer.sql" in text and "drop      triggers/settings__validate.sql" in text
    run_alembic(schema_db, "upgrade", "head", project)
    with connect(schema_db) as conn:
        assert conn.execute("SELECT pgfresh.answer()").fetchone()[0] == 42
        assert conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'settings__validate'"
                            ).fetchone()[0] == 0
    run_alembic(schema_db, "downgrade", "-1", project)
    with connect(schema_db) as conn:
        assert conn.execute("SELECT to_regproc('pgfresh.answer')").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'settings__validate'"
                            ).fetchone()[0] == 1


def test_no_revision_when_nothing_changed(project, cluster):
    before = digests(project)
    assert generate("nothing", cluster.url("postgres"), project) is None
    assert digests(project) == before


def test_a_changed_table_is_refused_with_a_clear_error(project, cluster):
    edit(project / "tables" / "refresh_queue.sql", "reason text NOT NULL,",
         "reason text NOT NULL,\n    priority integer NOT NULL DEFAULT 0,")
    before = digests(project)
    with pytest.raises(SourceError, match=r"tables/refresh_queue.sql changed: a table keeps data"):
        generate("queue priority", cluster.url("postgres"), project)
    assert digests(project) == before


def test_a_syntax_error_names_file_and_line_before_touching_a_database(project, capsys):
    edit(project / "views" / "mv_customer_cohorts.sql", "GROUP BY ba.user_id\n),",
         "GROUP BY ba.user_id\n)),")
    assert cli.main(["--root", str(project), "check"]) == 2
    err = capsys.readouterr().err
    assert "views/mv_customer_cohorts.sql:" in err and "syntax error" in err
    line = int(err.split("views/mv_customer_cohorts.sql:")[1].split(":")[0])
    text = (project / "views" / "mv_customer_cohorts.sql").read_text().splitlines()
    assert ")))," in text[line - 1] or "))," in text[line - 1]
    # `revision` refuses too, and writes nothing (no database URL is even valid here).
    before = digests(project)
    assert cli.main(["--root", str(project), "--database-url", "postgresql://nobody@127.0.0.1:1/x",
                     "revision", "-m", "broken"]) == 2
    assert digests(project) == before


def test_a_source_that_does_not_apply_writes_no_revision(project, cluster):
    edit(project / "views" / "mv_customer_cohorts.sql", "ba.user_id,", "ba.no_such_column,")
    before = digests(project)
    with pytest.raises(SourceError, match="no_such_column"):
        generate("broken view", cluster.url("postgres"), project)
    assert digests(project) == before


def test_a_file_with_an_undoable_statement_is_refused():
    with pytest.raises(SourceError, match="cannot derive how to undo"):
        parse_source("functions/x.sql", "DELETE FROM pgfresh.job_runs;")


def test_a_do_block_is_setup_only_and_never_undone():
    text = "-- role r: test.\nDO $$ BEGIN RAISE NOTICE 'x'; END $$;\n"
    src = parse_source("setup/r.sql", text)
    assert src.defines == ["do:setup/r.sql"] and src.drops == []
    with pytest.raises(SourceError, match="cannot derive how to undo"):
        parse_source("functions/r.sql", text)
