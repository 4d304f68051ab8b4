"""plpgsql_check gates every plpgsql function pgfresh installs, and the gate bites."""

from __future__ import annotations

from pgfresh import lint

from .conftest import ROOT, connect


def test_every_installed_function_passes_plpgsql_check(db):
    with connect(db) as conn:
        findings = lint.check(conn)
        bad = lint.unaccepted(findings, ROOT)
        assert bad == [], "\n".join(map(str, bad))
        # Rolled back: the database keeps no trace of the extension.
        assert conn.execute(
            "SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql_check'"
        ).fetchone()[0] == 0


def test_the_gate_reports_an_unknown_column_and_an_unsafe_execute(db):
    with connect(db) as conn:
        conn.execute("CREATE SCHEMA scratch")
        conn.execute("""
            CREATE FUNCTION scratch.broken() RETURNS bigint LANGUAGE plpgsql AS $$
            BEGIN
                RETURN (SELECT count(no_such_column) FROM pgfresh.job_runs);
            END $$""")
        conn.execute("""
            CREATE FUNCTION scratch.unsafe(p_name text) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                EXECUTE 'REFRESH MATERIALIZED VIEW analytics.' || p_name;
            END $$""")
        findings = lint.check(conn, ["scratch"])
    bad = lint.unaccepted(findings, ROOT)
    by_function = {(f.function, f.level) for f in bad}
    assert ("scratch.broken()", "error") in by_function
    assert ("scratch.unsafe(text)", "security") in by_function
    broken = next(f for f in bad if f.function == "scratch.broken()")
    assert "no_such_column" in broken.message


def test_an_accepted_warning_needs_a_listed_reason(db, tmp_path):
    with connect(db) as conn:
        conn.execute("CREATE SCHEMA scratch")
        conn.execute("""
            CREATE FUNCTION scratch.hidden_cast() RETURNS text LANGUAGE plpgsql AS $$
            DECLARE v text;
            BEGIN
                v := current_user;
                RETURN v;
            END $$""")
        findings = lint.check(conn, ["scratch"])
    assert findings and all(f.level == "performance" for f in findings)
    assert lint.unaccepted(findings, tmp_path) == findings
    (tmp_path / "lint").mkdir()
    (tmp_path / lint.ACCEPTED_FILE).write_text(
        "".join(f"{f.function}\t{f.sqlstate}\t{f.message}\ttest: reviewed\n" for f in findings)
    )
    assert lint.unaccepted(findings, tmp_path) == []
