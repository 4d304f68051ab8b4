"""Generate monitoring/grafana/pgfresh.json with grafana-foundation-sdk.

    .venv/bin/python monitoring/grafana/generate.py          # rewrites pgfresh.json
    .venv/bin/python monitoring/grafana/generate.py --check  # exit 1 when pgfresh.json is out of date

Two datasource variables, no uid written anywhere: ``prometheus`` (the Prometheus that
scrapes monitoring/postgres_exporter.yaml) and ``pgfresh_db`` (a PostgreSQL datasource
whose user is a member of dashboard_reader). Import the file as it is (Dashboards, New,
Import) and pick the two datasources.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import dashboard, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, Threshold, ThresholdsMode

OUT = Path(__file__).with_name("pgfresh.json")
PROMETHEUS = DataSourceRef(type_val="prometheus", uid="${prometheus}")
POSTGRES = DataSourceRef(type_val="grafana-postgresql-datasource", uid="${pgfresh_db}")


class SqlQuery(cogvariants.Dataquery):
    """A query of Grafana's PostgreSQL datasource (the SDK ships no builder for it)."""

    def __init__(self, sql: str, ref_id: str = "A") -> None:
        self.sql = sql
        self.ref_id = ref_id

    def to_json(self) -> dict[str, object]:
        return {"refId": self.ref_id, "datasource": POSTGRES.to_json(), "editorMode": "code",
                "format": "table", "rawQuery": True, "rawSql": self.sql}


class Sql(cogbuilder.Builder[SqlQuery]):
    def __init__(self, sql: str) -> None:
        self._internal = SqlQuery(sql)

    def build(self) -> SqlQuery:
        return self._internal


def promql(expr: str, legend: str = "{{view_name}}", ref_id: str = "A") -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id)


# Every query of the dashboard, by panel title; tests/test_monitoring.py runs each one.
PROMQL = {
    "Age of the data / expected interval": [
        "pgfresh_view_age_seconds / pgfresh_view_expected_interval_seconds"],
    "Stale views": ["sum(pgfresh_view_stale) or vector(0)"],
    "Open incidents": ["sum(pgfresh_view_incident_open) or vector(0)"],
    "Queued refresh requests": ["sum(pgfresh_view_queue_pending) or vector(0)"],
    "Age of the data": ["pgfresh_view_age_seconds"],
    "Refresh duration (last success)": ["pgfresh_view_last_duration_seconds"],
    "Refresh duration p95 (last 24 h)": ["pgfresh_view_duration_p95_seconds"],
    "Failures in a row": ["pgfresh_view_consecutive_failures"],
    "Failed refreshes (last 24 h)": ["pgfresh_view_failures_last_day"],
    "Queue depth": ["pgfresh_view_queue_pending", "pgfresh_view_queue_oldest_age_seconds"],
}

SQL = {
    "Freshness now (pgfresh.refresh_status)": """
SELECT view_name,
       CASE WHEN incident_id IS NOT NULL THEN 'incident' WHEN is_stale THEN 'stale'
            WHEN consecutive_failures > 0 THEN 'failing' WHEN paused THEN 'paused'
            WHEN cadence IS NULL THEN 'unscheduled' ELSE 'fresh' END AS state,
       last_success_at, extract(EPOCH FROM age) AS age_seconds,
       extract(EPOCH FROM expected_interval) AS expected_seconds,
       last_status, consecutive_failures, queue_pending, last_error
FROM pgfresh.refresh_status
ORDER BY view_name""",
    "Open incidents (pgfresh.refresh_status)": """
SELECT view_name, incident_opened_at, consecutive_failures, last_error
FROM pgfresh.refresh_status
WHERE incident_id IS NOT NULL
ORDER BY incident_opened_at""",
    "Latest failed refreshes (pgfresh.job_runs)": """
SELECT started_at, view_name, source, extract(EPOCH FROM duration) AS duration_seconds,
       sqlstate, error_message
FROM pgfresh.job_runs
WHERE status = 'failed' AND $__timeFilter(started_at)
ORDER BY started_at DESC
LIMIT 50""",
}


def _series(title: str, unit: str, width: int = 12, legends: tuple[str, ...] = ()) -> timeseries.Panel:
    panel = timeseries.Panel().title(title).datasource(PROMETHEUS).unit(unit).span(width).height(8)
    for i, expr in enumerate(PROMQL[title]):
        panel = panel.with_target(promql(expr, legends[i] if legends else "{{view_name}}", "AB"[i]))
    return panel


def _stat(title: str, red_at: float) -> stat.Panel:
    steps = [Threshold(value=None, color="green"), Threshold(value=red_at, color="red")]
    return (stat.Panel().title(title).datasource(PROMETHEUS).span(6).height(4)
            .with_target(promql(PROMQL[title][0], title).instant())
            .thresholds(dashboard.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(steps)))


def _table(title: str, width: int = 24) -> table.Panel:
    return (table.Panel().title(title).datasource(POSTGRES).span(width).height(8)
            .with_target(Sql(SQL[title].strip())))


def build() -> dict:
    board = (
        dashboard.Dashboard("pgfresh: materialized view freshness")
        .description("Staleness, refresh durations, failures, incidents and queue of the pgfresh "
                     "materialized views (monitoring/postgres_exporter.yaml, pgfresh.refresh_status).")
        .tags(["pgfresh", "postgresql"])
        .time("now-24h", "now")
        .refresh("30s")
        .with_variable(dashboard.DatasourceVariable("prometheus").label("Prometheus").type("prometheus"))
        .with_variable(dashboard.DatasourceVariable("pgfresh_db").label("PostgreSQL (pgfresh)")
                       .type("grafana-postgresql-datasource"))
        .with_row(dashboard.Row("Now"))
        .with_panel(_stat("Stale views", 1))
        .with_panel(_stat("Open incidents", 1))
        .with_panel(_stat("Queued refresh requests", 50))
        .with_panel(_stat("Age of the data / expected interval", 2).unit("percentunit"))
        .with_panel(_table("Freshness now (pgfresh.refresh_status)"))
        .with_row(dashboard.Row("Staleness"))
        .with_panel(_series("Age of the data", "s"))
        .with_panel(_series("Age of the data / expected interval", "percentunit"))
        .with_row(dashboard.Row("Refresh durations"))
        .with_panel(_series("Refresh duration (last success)", "s"))
        .with_panel(_series("Refresh duration p95 (last 24 h)", "s"))
        .with_row(dashboard.Row("Failures and incidents"))
        .with_panel(_series("Failures in a row", "short"))
        .with_panel(_series("Failed refreshes (last 24 h)", "short"))
        .with_panel(_table("Open incidents (pgfresh.refresh_status)", 12))
        .with_panel(_table("Latest failed refreshes (pgfresh.job_runs)", 12))
        .with_row(dashboard.Row("Queue"))
        .with_panel(_series("Queue depth", "short", 24,
                            ("{{view_name}} pending", "{{view_name}} oldest (s)")))
    ).build()
    return json.loads(json.dumps(board, cls=JSONEncoder))


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if OUT.read_text() != text:
            print(f"{OUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
