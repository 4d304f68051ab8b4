"""The row contracts (contracts/rows/*.schema.json, contracts/ts) against real rows.

Every row of every refreshed view, serialised as PostgREST does it (json_agg of the rows,
in a session whose TimeZone is not UTC), is validated with Python's jsonschema and parsed
in one Node process with the generated Zod schemas; rows with a wrong type or a missing
key are rejected by both; tsc type-checks a supabase-js consumer; the committed contracts
match what the views produce, and a changed view column is named by the drift check.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pgfresh import cli, contracts

from .conftest import ROOT, connect, database

TS = ROOT / contracts.TS_DIR
VIEWS = sorted(p.name.removesuffix(".schema.json") for p in (ROOT / contracts.ROWS_DIR).glob("*.schema.json"))


def validator(view: str) -> Draft202012Validator:
    schema = json.loads((ROOT / contracts.ROWS_DIR / f"{view}.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def refresh_and_serialise(url: str) -> dict[str, list]:
    """Refresh every managed view, then the rows of each view of schema analytics as
    PostgREST sends them."""
    with connect(url) as conn:
        conn.execute("SET TimeZone = 'America/New_York'")
        for (v,) in conn.execute("SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order"):
            run = conn.execute("SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', "
                               "p_full => true)", [v]).fetchone()
            assert run[0] == "success", (v, run)
        views = [v for (v,) in conn.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'analytics' AND c.relkind IN ('m', 'v', 'r', 'p') "
            "AND NOT c.relispartition ORDER BY 1")]
        # PostgREST: SELECT coalesce(json_agg(_postgrest_t), '[]') FROM (SELECT ...) _postgrest_t
        return {v: json.loads(conn.execute(
            f"SELECT coalesce(json_agg(t), '[]')::text FROM analytics.{v} AS t").fetchone()[0])
            for v in views}


def broken_rows(rows: dict[str, list]) -> list[dict]:
    """Rows a consumer must reject: a wrong type, a missing key, a NULL where the view
    never has one, a badly formatted date and a wrong type inside a JSONB bundle."""
    rev = rows["mv_revenue_trends"][-1]
    kpi = rows["mv_dashboard_kpis"][-1]
    cases = {
        "wrong type": ("mv_revenue_trends", {**rev, "net_revenue": str(rev["net_revenue"])}),
        "missing key": ("mv_revenue_trends", {k: v for k, v in rev.items() if k != "payments_count"}),
        "null where never null": ("mv_revenue_trends", {**rev, "refunds_count": None}),
        "date not YYYY-MM-DD": ("mv_revenue_trends", {**rev, "bucket_date": "11/26/2026"}),
        "fraction in a count": ("mv_revenue_trends", {**rev, "payments_count": 1.5}),
    }
    bad_kpi = copy.deepcopy(kpi)
    bad_kpi["metrics"]["bookings"]["value"] = "12"
    cases["wrong type in a JSONB bundle"] = ("mv_dashboard_kpis", bad_kpi)
    return [{"case": name, "view": view, "rows": [row]} for name, (view, row) in cases.items()]


@pytest.fixture(scope="module")
def serialised(cluster, head_template: str, sample_db: str) -> dict[str, dict[str, list]]:
    """The rows of every view at sample scale, and of a database whose only source row is
    one machine: every sum, average and outer join of the views meets nothing, and the
    machine's days have no telemetry (the NULLs that contracts/columns.json declares)."""
    with database(cluster, "contracts_empty", head_template) as url:
        with connect(url) as conn:
            conn.execute("INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
                         "VALUES ('Idle lift', 'lift', 100, current_date - 3)")
        return {"sample": refresh_and_serialise(sample_db), "empty": refresh_and_serialise(url)}


@pytest.fixture(scope="module")
def ts_build() -> Path:
    """npm ci (when needed), then one tsc run: type-checks src/ and test/ (the consumer
    module included) and emits them to contracts/ts/.test-build."""
    contracts.ensure_node_packages(ROOT)
    done = subprocess.run(["node", "node_modules/typescript/bin/tsc", "-p", "test/tsconfig.json"],
                          cwd=TS, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return TS / ".test-build"


@pytest.fixture(scope="module")
def zod_report(ts_build: Path, serialised, tmp_path_factory) -> dict[str, dict]:
    """One Node process parses every case with the generated Zod schemas."""
    cases = [{"case": f"{data}:{view}", "view": view, "rows": rows}
             for data, by_view in serialised.items() for view, rows in by_view.items()]
    cases += broken_rows(serialised["sample"])
    path = tmp_path_factory.mktemp("zod") / "cases.json"
    path.write_text(json.dumps(cases))
    done = subprocess.run(["node", str(ts_build / "test" / "parse_rows.js"), str(path)],
                          capture_output=True, text=True, env={**os.environ, "NODE_NO_WARNINGS": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_view_has_a_row_contract_and_a_zod_module():
    # views/ also holds pgfresh.refresh_status (the engine's, not a dashboard row) and the
    # row function of the incremental view; every relation of schema analytics has one.
    analytics = {p.stem for p in (ROOT / "views").glob("*.sql")
                 if f"analytics.{p.stem}" in p.read_text()}
    assert analytics and analytics <= set(VIEWS)
    assert {p.stem for p in (TS / "src").glob("*.ts")} == {*VIEWS, "index"}


@pytest.mark.parametrize("data", ["sample", "empty"])
def test_every_row_of_every_view_meets_its_json_schema(serialised, data):
    by_view = serialised[data]
    assert set(by_view) == set(VIEWS)
    if data == "sample":
        assert all(by_view[v] for v in VIEWS if v != "mv_alert_candidates"), "a view has no rows"
    else:
        idle = by_view["mv_equipment_utilization"]
        assert idle and all(r["hours_used"] is None and r["maintenance_due_at"] is None for r in idle)
        assert by_view["mv_dashboard_kpis"][-1]["metrics"]["utilization"]["value"] is None
    for view, rows in by_view.items():
        v = validator(view)
        errors = [(i, e.json_path, e.message) for i, row in enumerate(rows) for e in v.iter_errors(row)]
        assert not errors, f"{view}: {errors[:5]}"


def test_every_row_of_every_view_parses_with_its_zod_schema(zod_report, serialised):
    for data, by_view in serialised.items():
        for view, rows in by_view.items():
            got = zod_report[f"{data}:{view}"]
            assert got["rows"] == len(rows)
            assert got["failed"] == 0, f"{data}:{view}: {got['issues']}"


def test_a_row_with_a_wrong_type_or_a_missing_key_is_rejected_by_both(zod_report, serialised):
    cases = broken_rows(serialised["sample"])
    assert len(cases) == 6
    for case in cases:
        (row,) = case["rows"]
        assert list(validator(case["view"]).iter_errors(row)), f"jsonschema accepted: {case['case']}"
        assert zod_report[case["case"]]["failed"] == 1, f"Zod accepted: {case['case']}"


def test_the_consumer_module_type_checks_against_supabase_js_and_the_row_types(ts_build):
    # tsc succeeded in ts_build; its @ts-expect-error lines prove the row types are not any.
    assert (ts_build / "test" / "consumer.js").exists()


def test_the_committed_contracts_match_what_the_views_produce(db):
    # db has head installed, which is the current sources (test_generator checks that).
    with connect(db) as conn:
        schemas = contracts.row_schemas(contracts.catalog(conn), ROOT)
    assert contracts.drift(schemas, ROOT) == []


def test_a_view_column_changed_without_regenerating_is_named_by_the_drift_check(cluster, tmp_path, capsys):
    for d in ("setup", "tables", "functions", "views", "triggers", "cron", "schema"):
        shutil.copytree(ROOT / d, tmp_path / d)
    (tmp_path / "contracts").mkdir()
    for p in (ROOT / "contracts").glob("*.json"):
        shutil.copy(p, tmp_path / "contracts")
    shutil.copytree(ROOT / contracts.ROWS_DIR, tmp_path / contracts.ROWS_DIR)
    (tmp_path / contracts.TS_DIR).symlink_to(TS)  # its node_modules; drift writes only to a temp dir
    view = tmp_path / "views" / "mv_customer_cohorts.sql"
    text = view.read_text()
    old = "coalesce(cs.new_customers, 0) AS new_customers"
    assert old in text
    view.write_text(text.replace(old, "coalesce(cs.new_customers, 0)::numeric AS new_customers"))

    code = cli.main(["--database-url", cluster.url("postgres"), "--root", str(tmp_path),
                     "contracts", "--check"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("pgfresh contracts --check: the committed contracts differ")
    (line,) = [ln for ln in out if ln.startswith("analytics.")]
    assert line.startswith("analytics.mv_customer_cohorts.new_customers: ")
    assert 'type: the view gives "number", the contract says "integer"' in line
    assert "contracts/ts/src/mv_customer_cohorts.ts: differs from what the row schemas generate" in out
    assert (ROOT / contracts.ROWS_DIR / "mv_customer_cohorts.schema.json").read_text() == (
        tmp_path / contracts.ROWS_DIR / "mv_customer_cohorts.schema.json").read_text()


def _doc_sql(marker: str) -> str:
    """The ```sql block of docs/contracts.md that contains ``marker``."""
    blocks = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "contracts.md").read_text(), flags=re.S)
    (block,) = [b for b in blocks if marker in b]
    return block


# Supabase's auth.jwt() reads the claims PostgREST puts in request.jwt.claims.
AUTH_STAND_IN = """
CREATE SCHEMA auth;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
GRANT USAGE ON SCHEMA auth TO authenticated;
"""


def test_the_dashboard_paths_of_the_docs_give_rows_that_meet_the_contract(db):
    with connect(db) as conn:
        for role in ("anon", "authenticated", "service_role"):
            conn.execute(f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
                         "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        conn.execute(AUTH_STAND_IN)
        conn.execute(_doc_sql("CREATE FUNCTION public.dashboard_kpis"))
        run = conn.execute("SELECT status FROM pgfresh.refresh_view_now('mv_dashboard_kpis', 'test', "
                           "p_full => true)").fetchone()
        assert run[0] == "success"
        kpis = validator("mv_dashboard_kpis")

        conn.execute("SET ROLE authenticated")
        claims = "SELECT set_config('request.jwt.claims', %s, false)"
        conn.execute(claims, [json.dumps({"app_metadata": {"role": "admin"}})])
        rows = json.loads(conn.execute(
            "SELECT coalesce(json_agg(t), '[]')::text FROM public.dashboard_kpis(7) AS t").fetchone()[0])
        assert rows and all(kpis.is_valid(r) for r in rows)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no RLS: so no direct grant
            conn.execute("SELECT FROM analytics.mv_dashboard_kpis")
        conn.execute(claims, [json.dumps({"app_metadata": {"role": "customer"}})])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT FROM public.dashboard_kpis(7)")
        conn.execute("RESET ROLE")

        grant = _doc_sql("GRANT dashboard_reader TO service_role")
        conn.execute(grant)
        try:
            conn.execute("SET ROLE service_role")
            rows = json.loads(conn.execute("SELECT coalesce(json_agg(t), '[]')::text "
                                           "FROM analytics.mv_dashboard_kpis AS t").fetchone()[0])
            assert rows and all(kpis.is_valid(r) for r in rows)
        finally:
            conn.execute("RESET ROLE")
            conn.execute("REVOKE dashboard_reader FROM service_role")


def test_what_the_catalog_cannot_tell_must_be_declared_or_generation_stops(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / contracts.DECLARATIONS).write_text(json.dumps(
        {"mv_known": {"no_such_column": {"null_when": "never"}}, "mv_gone": {}}))
    views = {
        "mv_known": {"comment": None, "table": False, "columns": [
            ("d", "date", "date", False, None), ("bundle", "jsonb", "jsonb", False, None),
            ("span", "interval", "interval", False, None)]},
        "mv_new": {"comment": None, "table": False, "columns": [("n", "int8", "bigint", False, None)]},
    }
    with pytest.raises(contracts.ContractError) as exc:
        contracts.row_schemas(views, tmp_path)
    assert str(exc.value).splitlines() == [
        "contracts/columns.json: no entry for analytics.mv_new "
        "(list its nullable columns, or {} when none is)",
        "contracts/columns.json: mv_gone is not a view of schema analytics",
        "contracts/columns.json: analytics.mv_known has no column no_such_column",
        "analytics.mv_known.bundle is jsonb and has no contract: write "
        "contracts/mv_known.bundle.schema.json (JSON Schema 2020-12 of the value)",
        "analytics.mv_known.span: type interval has no JSON mapping "
        "(add it to TYPE_SCHEMAS in src/pgfresh/contracts.py and docs/contracts.md)",
    ]


def test_a_table_in_analytics_takes_its_nullability_from_not_null(tmp_path):
    (tmp_path / "contracts").mkdir()
    views = {"daily": {"comment": "A table.", "table": True, "columns": [
        ("day", "date", "date", True, None), ("total", "numeric", "numeric(14,2)", False, "Sum."),
        ("kind", "text", "text", False, None)]}}
    (tmp_path / contracts.DECLARATIONS).write_text(json.dumps({"daily": {"kind": {"enum": ["a", "b"]}}}))
    props = contracts.row_schemas(views, tmp_path)["daily"]["properties"]
    assert props["day"]["type"] == "string"
    assert props["total"] == {"description": "Sum.", "x-postgres-type": "numeric(14,2)",
                              "type": ["number", "null"]}
    kind = Draft202012Validator(props["kind"])
    assert kind.is_valid(None) and kind.is_valid("a") and not kind.is_valid("c")
    (tmp_path / contracts.DECLARATIONS).write_text(json.dumps({"daily": {"day": {"null_when": "x"}}}))
    with pytest.raises(contracts.ContractError, match="a table's NOT NULL decides"):
        contracts.row_schemas(views, tmp_path)
