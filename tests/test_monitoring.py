"""Monitoring for real: the exporter's queries, the alert rules (promtool), and the live path
postgres_exporter -> Prometheus -> Alertmanager -> webhook for a view failing four times in
a row, resolved by the success after it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import yaml

from .conftest import connect, database
from .engine import install_test_views, set_failing, wait_until
from .monitoring_stack import MONITORING, Stack, http_get

EXPORTER_QUERIES = yaml.safe_load((MONITORING / "postgres_exporter.yaml").read_text())
ALERT_SECONDS = 60
EXPORTER_ROLE = "pgfresh_test_exporter"


def test_the_alert_rules_pass_their_promtool_tests():
    rules = MONITORING / "prometheus"
    check = subprocess.run(["promtool", "check", "rules", "pgfresh_rules.yml"], cwd=rules,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    test = subprocess.run(["promtool", "test", "rules", "pgfresh_rules_test.yml"], cwd=rules,
                          capture_output=True, text=True, timeout=60)
    assert test.returncode == 0 and "SUCCESS" in test.stdout, test.stdout + test.stderr


def test_the_alertmanager_config_is_valid():
    check = subprocess.run(["amtool", "check-config", str(MONITORING / "alertmanager.yml")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def run_queries(url: str, role: str | None = None) -> dict[str, list[tuple]]:
    with connect(url) as conn:
        if role:
            conn.execute(f"SET ROLE {role}")
        return {name: conn.execute(q["query"]).fetchall() for name, q in EXPORTER_QUERIES.items()}


def test_the_exporter_queries_never_error_on_an_empty_or_partly_installed_database(schema_db, db):
    empty = run_queries(schema_db)                       # no pgfresh, no pg_cron
    assert empty == {"pgfresh": [(0,)], "pgfresh_view": [], "pgfresh_cron_job": []}
    # A role without the grants sees nothing, and no error either.
    with connect(db) as conn:
        conn.execute("DROP ROLE IF EXISTS pgfresh_test_nobody")
        conn.execute("CREATE ROLE pgfresh_test_nobody")
    try:
        assert run_queries(db, "pgfresh_test_nobody")["pgfresh"] == [(0,)]
        assert run_queries(db, "pgfresh_test_nobody")["pgfresh_view"] == []
    finally:
        with connect(db) as conn:
            conn.execute("DROP ROLE pgfresh_test_nobody")
    assert len(run_queries(db, "dashboard_reader")["pgfresh_view"]) == 8
    with connect(db) as conn:                            # an older revision: no refresh_status yet
        conn.execute("DROP VIEW pgfresh.refresh_status")
    assert run_queries(db)["pgfresh"] == [(0,)] and run_queries(db)["pgfresh_view"] == []


@pytest.fixture(scope="module")
def monitored_db(cluster, head_template) -> Iterator[str]:
    """A database with head, the test views and a login role that is only a dashboard_reader."""
    with database(cluster, f"t_mon_{uuid.uuid4().hex[:8]}", head_template) as url:
        install_test_views(url)
        with connect(url) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {EXPORTER_ROLE}")
            conn.execute(f"CREATE ROLE {EXPORTER_ROLE} LOGIN IN ROLE dashboard_reader")
            for view in ("mv_booking_trends", "mv_support_sla"):
                conn.execute("CALL pgfresh.refresh_view(%s, 'manual')", [view])
        try:
            yield url
        finally:
            with connect(url) as conn:
                conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             f"WHERE usename = '{EXPORTER_ROLE}'")
    with connect(cluster.url("postgres")) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {EXPORTER_ROLE}")


@pytest.fixture(scope="module")
def stack(monitored_db) -> Iterator[Stack]:
    host, _, rest = monitored_db.partition("@")[2].partition("/")
    s = Stack(f"postgresql://{EXPORTER_ROLE}@{host}/{rest}?sslmode=disable")
    try:
        yield s
    finally:
        s.close()


def wait_for(predicate, what: str, stack: Stack, seconds: float = ALERT_SECONDS):
    """engine.wait_until, with the tails of Alertmanager's and Prometheus's logs on failure."""
    try:
        return wait_until(predicate, what, seconds)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- alertmanager log:\n{stack.log('alertmanager')[-3000:]}"
                             f"\n--- prometheus log:\n{stack.log('prometheus')[-2000:]}") from None


def slack_messages(stack: Stack, status: str, view: str) -> list[tuple[float, dict]]:
    return [(t, m) for t, m in stack.webhook.messages
            if any(a["title"].startswith(status) and view in a["title"] for a in m.get("attachments", []))]


def test_the_exporter_reads_refresh_status_as_a_dashboard_reader(stack):
    metrics = http_get(f"{stack.exporter}/metrics")
    assert "pg_exporter_last_scrape_error 0" in metrics, (
        [ln for ln in metrics.splitlines() if ln.startswith("pg")], stack.log("exporter")[-3000:])
    assert "pgfresh_installed 1" in metrics
    series = {r["metric"]["view_name"]: float(r["value"][1])
              for r in wait_for(lambda: stack.query("pgfresh_view_consecutive_failures"), "a scrape", stack)}
    assert len(series) == 10 and set(series.values()) == {0.0}
    fresh = stack.query('pgfresh_view_stale{view_name=~"mv_booking_trends|mv_support_sla"}')
    assert [float(r["value"][1]) for r in fresh] == [0.0, 0.0]


def test_four_failures_in_a_row_reach_the_webhook_and_the_next_success_resolves_it(stack, monitored_db):
    view = "mv_test_fragile"
    with connect(monitored_db) as conn:
        set_failing(conn, True)
        for _ in range(4):
            conn.execute("CALL pgfresh.refresh_view(%s, 'cron_test')", [view])
        fourth = time.monotonic()
        assert conn.execute("SELECT count(*) FROM pgfresh.alert_incidents WHERE resolved_at IS NULL "
                            "AND view_name = %s", [view]).fetchone()[0] == 1
        firing = wait_for(lambda: slack_messages(stack, "FIRING", view), "the alert at the webhook", stack)
        seconds = firing[0][0] - fourth
        message = firing[0][1]
        attachment = message["attachments"][0]
        assert attachment["title"] == f"FIRING: PgfreshRefreshIncident {view}"
        assert f"analytics.{view} failed more than incident_after_failures" in attachment["text"]
        assert message["channel"] == "#engineering" and message["username"] == "pgfresh"
        assert attachment["color"] == "danger"
        print("\nthe webhook received:", json.dumps(message)[:900])
        print(f"fourth failure -> webhook: {seconds:.1f} s "
              "(scrape and evaluation every 1 s, group_wait 1 s)")

        set_failing(conn, False)
        conn.execute("CALL pgfresh.refresh_view(%s, 'cron_test')", [view])
        success = time.monotonic()
        resolved = wait_for(lambda: slack_messages(stack, "RESOLVED", view), "the resolved message", stack)
        assert resolved[0][1]["attachments"][0]["color"] == "good"
        print(f"success -> resolved at the webhook: {resolved[0][0] - success:.1f} s")
    assert len(slack_messages(stack, "FIRING", view)) == 1


DASHBOARD = MONITORING / "grafana" / "pgfresh.json"
GRAFANA_TIME_FILTER = "$__timeFilter(started_at)"


def dashboard_targets(uid: str) -> list[tuple[str, dict]]:
    """(panel title, target) of every panel query against the datasource variable ``uid``."""
    board = json.loads(DASHBOARD.read_text())
    return [(p["title"], t) for p in board["panels"] if p.get("datasource", {}).get("uid") == uid
            for t in p.get("targets", [])]


def test_the_dashboard_is_generated_by_its_script_and_importable_as_is():
    check = subprocess.run([sys.executable, str(MONITORING / "grafana" / "generate.py"), "--check"],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    board = json.loads(DASHBOARD.read_text())
    assert "uid" not in board and "id" not in board               # Grafana assigns them on import
    variables = {v["name"]: v["query"] for v in board["templating"]["list"] if v["type"] == "datasource"}
    assert variables == {"prometheus": "prometheus", "pgfresh_db": "grafana-postgresql-datasource"}
    uids = {t.get("datasource", {}).get("uid") for _, t in dashboard_targets("${pgfresh_db}")}
    uids |= {p["datasource"]["uid"] for p in board["panels"] if "datasource" in p}
    assert uids == {"${prometheus}", "${pgfresh_db}"}              # no hard-coded datasource uid
    assert len(dashboard_targets("${prometheus}")) >= 10 and len(dashboard_targets("${pgfresh_db}")) == 3


def test_every_promql_panel_of_the_dashboard_gets_series_from_the_live_prometheus(stack):
    targets = dashboard_targets("${prometheus}")
    wait_for(lambda: stack.query("pgfresh_view_total_bytes"), "a scrape", stack)
    for title, target in targets:
        result = stack.query(target["expr"])
        assert result, f"panel {title!r}: {target['expr']} returned no series"
        if target["expr"].startswith("pgfresh_view_"):
            assert {r["metric"]["view_name"] for r in result} >= {"mv_booking_trends", "mv_test_fragile"}


def test_every_sql_panel_of_the_dashboard_runs_as_a_dashboard_reader(monitored_db):
    with connect(monitored_db) as conn:
        conn.execute(f"SET ROLE {EXPORTER_ROLE}")
        for title, target in dashboard_targets("${pgfresh_db}"):
            # What Grafana's PostgreSQL datasource expands the macro to, for the last 24 hours.
            sql = target["rawSql"].replace(
                GRAFANA_TIME_FILTER, "started_at BETWEEN now() - interval '24 hours' AND now()")
            rows = conn.execute(sql).fetchall()
            if title.startswith("Freshness"):
                assert len(rows) == 10, title
            if title.startswith("Latest failed"):        # the four failures of the alert test
                assert [r[1] for r in rows] == ["mv_test_fragile"] * 4, title
