"""Read time of pgfresh.refresh_status (scraped every 15 s) on the local demo database.

Run `make demo` first (sample scale 1). Inside one transaction that is rolled back at
the end, it adds 30 days of runs as the shipped schedules make them (job_runs_retention:
about 23,000 rows, one failure in 50), then reads the view N times on one connection and
prints the median and the 95th percentile, and EXPLAIN (ANALYZE, BUFFERS) of one read.
"""

from __future__ import annotations

import statistics
import time

import psycopg

from pgfresh import config

HISTORY_SQL = """
INSERT INTO pgfresh.job_runs (view_name, source, status, started_at, finished_at)
SELECT p.v, 'bench', CASE WHEN random() < 0.02 THEN 'failed' ELSE 'success' END, t, t + interval '2 seconds'
FROM (VALUES ('mv_support_sla', interval '5 minutes'), ('mv_alert_candidates', interval '5 minutes'),
             ('mv_revenue_trends', interval '1 hour'), ('mv_booking_trends', interval '1 hour'),
             ('mv_equipment_utilization', interval '1 hour'), ('mv_financial_summary', interval '1 hour'),
             ('mv_dashboard_kpis', interval '15 minutes'), ('mv_customer_cohorts', interval '1 day'))
    AS p (v, every)
CROSS JOIN LATERAL generate_series(now() - interval '30 days', now() - interval '10 minutes', p.every) AS t
"""
READS = 300


def main() -> None:
    with psycopg.connect(config.database_url()) as conn:
        added = conn.execute(HISTORY_SQL).rowcount
        conn.execute("ANALYZE pgfresh.job_runs")
        total = conn.execute("SELECT count(*) FROM pgfresh.job_runs").fetchone()[0]
        conn.execute("SELECT * FROM pgfresh.refresh_status").fetchall()   # plan cached
        times = []
        for _ in range(READS):
            started = time.perf_counter()
            conn.execute("SELECT * FROM pgfresh.refresh_status").fetchall()
            times.append((time.perf_counter() - started) * 1000)
        # The server's own time (no round trip, no client): EXPLAIN ANALYZE's execution time.
        server = []
        for _ in range(READS // 5):
            lines = conn.execute("EXPLAIN (ANALYZE, TIMING FALSE) SELECT * FROM pgfresh.refresh_status")
            server.append(float(next(ln for (ln,) in lines if ln.startswith("Execution Time")).split()[2]))
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM pgfresh.refresh_status").fetchall()
        conn.rollback()
    times.sort()
    print(f"pgfresh.refresh_status: {READS} reads over job_runs of {total:,} rows ({added:,} added): "
          f"median {statistics.median(times):.2f} ms, p95 {times[int(READS * 0.95)]:.2f} ms, "
          f"max {times[-1]:.2f} ms (round trip included); "
          f"server execution time median {statistics.median(server):.2f} ms")
    for (line,) in plan:
        print("  " + line)
