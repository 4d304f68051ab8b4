"""Row 1: the reads an admin page makes, from the views vs the same rows computed live.

"Live" runs each view's own definition (pg_get_viewdef) as a subquery with the page's
filter outside it, so PostgreSQL may push the filter down where it can: the fair
alternative a team without pgfresh would write.
"""

from __future__ import annotations

from bench.harness import BenchDb, Report, Row, Stat, alternate, is_incremental, ratio, timed

# (what the page shows, view, filter + order applied to the view's rows)
PAGE = [
    ("KPIs, 90 days", "mv_dashboard_kpis",
     "WHERE snapshot_date > current_date - 90 ORDER BY snapshot_date"),
    ("revenue, 90 days", "mv_revenue_trends",
     "WHERE bucket_date > current_date - 90 ORDER BY bucket_date"),
    ("open alert candidates", "mv_alert_candidates", "ORDER BY severity, detected_at"),
    ("one machine, 30 days of utilization", "mv_equipment_utilization",
     "WHERE equipment_id = %(machine)s AND snapshot_date > current_date - 30 ORDER BY snapshot_date"),
    ("SLA of the week", "mv_support_sla", "WHERE bucket_date > current_date - 7 ORDER BY bucket_date"),
]


def live_definition(conn, view: str) -> str:
    """The SELECT that computes the view's rows: a materialized view's definition, or for
    an incremental one (a table kept by pgfresh) its row function over every key (its
    arguments default to NULL: every key)."""
    if is_incremental(conn, view):
        return f"SELECT * FROM pgfresh.{view}_rows()"  # views/<view>.sql: every key by default
    return conn.execute("SELECT pg_catalog.pg_get_viewdef(%s::regclass)",
                        [f"analytics.{view}"]).fetchone()[0].rstrip().rstrip(";")


def run(db: BenchDb, report: Report, pairs: int) -> None:
    with db.connect() as conn:
        machine = conn.execute(
            "SELECT equipment_id FROM analytics.mv_equipment_utilization "
            "GROUP BY equipment_id ORDER BY sum(rented_days) DESC LIMIT 1").fetchone()[0]
        params = {"machine": machine}
        reads = {}
        for label, view, tail in PAGE:
            reads[label] = (f"SELECT * FROM analytics.{view} AS v {tail}",
                            f"SELECT * FROM ({live_definition(conn, view)}) AS v {tail}")
        page = {"view": [], "live": []}
        for label, (from_view, live) in reads.items():
            samples = alternate({"view": lambda q=from_view: timed(conn, q, params),
                                 "live": lambda q=live: timed(conn, q, params)}, pairs)
            for k in page:
                page[k].append(samples[k])
            report.add(Row("1 dashboard page", label,
                           {k: Stat.of(v) for k, v in samples.items()},
                           ratio=ratio(samples["live"], samples["view"]), ratio_label="live / view"))
        totals = {k: [sum(r) for r in zip(*v, strict=True)] for k, v in page.items()}
        report.add(Row("1 dashboard page", "the whole page (5 reads)",
                       {k: Stat.of(v) for k, v in totals.items()},
                       ratio=ratio(totals["live"], totals["view"]), ratio_label="live / view"))
