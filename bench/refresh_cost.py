"""Row 2: refreshing each view, plain REFRESH vs REFRESH ... CONCURRENTLY (what the
engine runs), measured alternately; for an incremental view (a table pgfresh keeps), the
full rebuild vs the incremental refresh after one booking status change. Row 6: refresh
work per hour at a realistic event rate, from those costs and the installed cadences.
"""

from __future__ import annotations

from bench.harness import (
    BOOKING_STATUS_CHANGE,
    BenchDb,
    Report,
    Row,
    Stat,
    alternate,
    is_incremental,
    ratio,
    timed,
)

# A booking status change, a payment and a ticket every minute (the event rate):
# the tables whose changes reach the queue, each at one event per minute.
EVENTS_PER_HOUR = {"public.bookings": 60, "public.payments": 60, "public.support_tickets": 60}

SCHEDULED_PER_HOUR_SQL = """
WITH hours AS (
    SELECT (extract(epoch FROM pgfresh.setting('business_hours_end')::time
                      - pgfresh.setting('business_hours_start')::time) / 3600 + 24)::numeric % 24
           AS business
)
SELECT p.view_name,
       CASE p.cadence
           WHEN 'nightly' THEN 1 / 24.0
           ELSE (h.business * 3600 / extract(epoch FROM coalesce(p.business_hours_every, p.refresh_every))
                 + (24 - h.business) * 3600 / extract(epoch FROM p.refresh_every)) / 24
       END AS per_hour
FROM pgfresh.refresh_policies AS p CROSS JOIN hours AS h
"""

EVENT_VIEWS_SQL = """
SELECT view_name, source_table FROM pgfresh.view_sources
"""


def refreshes_per_hour(conn) -> dict[str, tuple[float, str]]:
    """Refreshes of each view per hour: the schedule's, or one per queue round (a minute)
    when events reach it more often; a queue refresh in a slot counts for the slot."""
    per_hour = {v: (float(n), "schedule") for v, n in conn.execute(SCHEDULED_PER_HOUR_SQL)}
    for view, table in conn.execute(EVENT_VIEWS_SQL):
        events = min(EVENTS_PER_HOUR.get(table, 0), 60)  # the queue dedups per round (a minute)
        if view in per_hour and events > per_hour[view][0]:
            per_hour[view] = (float(events), f"queue: {table} events")
    return per_hour


def run(db: BenchDb, report: Report, pairs: int) -> dict[str, list[float]]:
    """Returns the concurrent refresh samples per view, for the work-per-hour row."""
    concurrent: dict[str, list[float]] = {}
    with db.connect() as conn:
        views = [v for (v,) in conn.execute(
            "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order")]
        for view in views:
            name = f"analytics.{view}"
            if is_incremental(conn, view):
                concurrent[view] = _incremental_row(conn, view, report, pairs)
                continue
            samples = alternate({
                "plain": lambda n=name: timed(conn, f"REFRESH MATERIALIZED VIEW {n}"),
                "concurrently": lambda n=name: timed(conn, f"REFRESH MATERIALIZED VIEW CONCURRENTLY {n}"),
            }, pairs)
            rows = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            concurrent[view] = samples["concurrently"]
            report.add(Row("2 refresh", view, {k: Stat.of(v) for k, v in samples.items()},
                           ratio=ratio(samples["concurrently"], samples["plain"]),
                           ratio_label="concurrently / plain", note=f"{rows:,} rows"))
    return concurrent


def _incremental_row(conn, view: str, report: Report, pairs: int) -> list[float]:
    """Full rebuild vs incremental after one booking status change; returns the
    incremental samples (what an event costs, for the work-per-hour row)."""
    def incremental() -> float:
        conn.execute(BOOKING_STATUS_CHANGE)
        return timed(conn, "CALL pgfresh.refresh_view(%s, 'bench')", [view])

    samples = alternate({
        "full rebuild": lambda: timed(conn, "CALL pgfresh.refresh_view(%s, 'bench', true)", [view]),
        "incremental, one booking status change": incremental,
    }, pairs)
    rows = conn.execute(f"SELECT count(*) FROM analytics.{view}").fetchone()[0]
    report.add(Row("2 refresh", view, {k: Stat.of(v) for k, v in samples.items()},
                   ratio=ratio(samples["full rebuild"], samples["incremental, one booking status change"]),
                   ratio_label="full / incremental", note=f"{rows:,} rows, incremental (a table)"))
    return samples["incremental, one booking status change"]


def work_per_hour(db: BenchDb, report: Report, costs: dict[str, list[float]]) -> float:
    with db.connect() as conn:
        per_hour = refreshes_per_hour(conn)
    total = 0.0
    parts = []
    for view, samples in costs.items():
        n, why = per_hour.get(view, (0.0, "not scheduled"))
        seconds = n * Stat.of(samples).median
        total += seconds
        parts.append(f"{view} {n:.1f}/h ({why}) {seconds:.0f} s")
    report.add(Row("6 refresh work per hour", "all views (incremental where a view is)",
                   {"refresh seconds per hour": Stat.of([total])},
                   unit="s", note=f"{total / 3600:.1%} of one core"))
    report.facts["6 refreshes per hour"] = "; ".join(parts)
    return total
