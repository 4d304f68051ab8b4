"""Refreshing analytics.mv_revenue_trends after one payment change, and
analytics.mv_booking_trends after one booking status change.

Three ways per view, measured alternately in one run on the same sample data (`pgfresh
sample`, seed 42), each right after one committed change (a succeeded payment of the last
300 days: its amount up or down a cent; a confirmed or active booking created in the last
300 days: confirmed <-> active; a different one each time):
- incremental: `CALL pgfresh.refresh_view(view)` in a new session (as pg_cron runs it):
  the days of the recorded change only;
- full concurrent: `REFRESH MATERIALIZED VIEW CONCURRENTLY` of a materialized view with the
  same definition (`SELECT * FROM pgfresh.<view>_rows()`, same unique key), what every
  refresh cost before the views became incremental (issue 18: 0.6 s and 0.3 s at scale 1);
  and the same with jit off (the planner's estimate of the full computation passes
  jit_above_cost: compiling costs seconds on this machine, which the refresh functions avoid);
- full rebuild: `CALL pgfresh.refresh_view(..., p_full => true)` (delete + insert of every
  row, the nightly repair path).
Medians with quartiles, wall time and the backend's CPU time (/proc/<pid>/schedstat).
At the end, each table is compared with a from-scratch computation (it must be equal).
`python -m bench incremental_trends`; PGFRESH_BENCH_SCALES="1 3" measures more scales.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import psycopg
from alembic import command

from bench.incremental_refresh import _summary
from bench.trigger_overhead import Clock
from pgfresh import config, sample
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

ROUNDS = 3             # full refreshes of each kind
INCREMENTAL_PER_ROUND = 5

VIEWS = {
    "mv_revenue_trends": (
        "SELECT p.id FROM public.payments AS p WHERE p.status = 'succeeded' "
        "AND p.paid_at > now() - interval '300 days' ORDER BY p.id LIMIT 100",
        "UPDATE public.payments "
        "SET amount = amount + CASE WHEN mod(amount * 100, 2) = 0 THEN 0.01 ELSE -0.01 END WHERE id = %(id)s",
    ),
    "mv_booking_trends": (
        "SELECT b.id FROM public.bookings AS b WHERE b.status IN ('confirmed', 'active') "
        "AND b.created_at > now() - interval '300 days' ORDER BY b.id LIMIT 100",
        "UPDATE public.bookings SET status = CASE status WHEN 'confirmed' THEN 'active' ELSE 'confirmed' END "
        "WHERE id = %(id)s",
    ),
}

DIFF_SQL = """
SELECT (SELECT count(*) FROM (TABLE analytics.{v} EXCEPT ALL SELECT * FROM pgfresh.{v}_rows()) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pgfresh.{v}_rows() EXCEPT ALL TABLE analytics.{v}) AS b)
"""


def _prepare(url: str, scale: float) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        load_schema(conn, config.ROOT)
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = True
    command.upgrade(cfg, "head")
    with psycopg.connect(url, autocommit=True) as conn:
        sample.load(conn, scale=scale, seed=42)
        conn.execute("CREATE SCHEMA bench")
        for view in VIEWS:  # constants
            conn.execute(f"CALL pgfresh.refresh_view('{view}', 'bench')")
            conn.execute(f"CREATE MATERIALIZED VIEW bench.{view}_full AS SELECT * FROM pgfresh.{view}_rows()")
            conn.execute(f"CREATE UNIQUE INDEX {view}_full_key_idx ON bench.{view}_full (bucket_date)")
        conn.execute("VACUUM ANALYZE")


def _timed(url: str, change: str, change_id, statement: str) -> tuple[float, float]:
    """Commit one change, then run ``statement`` in a new session."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(change, {"id": change_id})
    with psycopg.connect(url, autocommit=True) as conn:
        return Clock(conn).measure(lambda: conn.execute(statement))


def _view(url: str, view: str) -> dict[str, list[tuple[float, float]]]:
    pick, change = VIEWS[view]
    with psycopg.connect(url, autocommit=True) as conn:
        ids = [r[0] for r in conn.execute(pick)]
        rows = conn.execute(f"SELECT count(*) FROM analytics.{view}").fetchone()[0]  # a constant
    variants = {
        "incremental": f"CALL pgfresh.refresh_view('{view}', 'bench')",
        "full concurrent": f"REFRESH MATERIALIZED VIEW CONCURRENTLY bench.{view}_full",
        "same, jit off": f"SET jit = off; REFRESH MATERIALIZED VIEW CONCURRENTLY bench.{view}_full",
        "full rebuild": f"CALL pgfresh.refresh_view('{view}', 'bench', p_full => true)",
    }
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    n = 0
    for i in range(ROUNDS):
        order = list(variants)
        for name in order if i % 2 == 0 else reversed(order):
            for _ in range(INCREMENTAL_PER_ROUND if name == "incremental" else 1):
                out[name].append(_timed(url, change, ids[n % len(ids)], variants[name]))
                n += 1
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(variants["incremental"])
        diff = conn.execute(DIFF_SQL.format(v=view)).fetchone()[0]
    change_of = "payment" if "revenue" in view else "booking status"
    print(f"\nanalytics.{view} ({rows:,} rows), after one {change_of} change")
    print(f"{'variant':<18} {'wall: median (quartiles)':<32} {'backend CPU: median (quartiles)':<32}")
    for name, values in out.items():
        print(f"{name:<18} {_summary([w for w, _ in values]):<32} {_summary([c for _, c in values]):<32}")
    inc = statistics.median(w for w, _ in out["incremental"])
    full = statistics.median(w for w, _ in out["full concurrent"])
    inc_cpu = statistics.median(c for _, c in out["incremental"])
    full_cpu = statistics.median(c for _, c in out["full concurrent"])
    nojit = statistics.median(w for w, _ in out["same, jit off"])
    print(f"full concurrent / incremental: {full / inc:,.1f}x (wall), {full_cpu / inc_cpu:,.1f}x (CPU);"
          f" with jit off {nojit / inc:,.1f}x (wall); rows differing from a from-scratch computation after"
          f" the last incremental refresh: {diff}")
    return out


def main() -> None:
    scales = [float(s) for s in os.environ.get("PGFRESH_BENCH_SCALES", "1").split()]
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="pgfresh_bench_cron")
    t0 = time.perf_counter()
    cluster.start()
    try:
        print("\npgfresh bench incremental_trends: revenue trends after one payment change, booking trends"
              " after one booking status change")
        print("before (issue 18, scale 1, REFRESH ... CONCURRENTLY): mv_revenue_trends 0.6 s,"
              " mv_booking_trends 0.3 s")
        for scale in scales:
            db = f"bench_{str(scale).replace('.', '_')}"
            cluster.ensure_database(db)
            url = cluster.url(db)
            started = time.perf_counter()
            _prepare(url, scale)
            print(f"\nscale {scale}: loaded in {time.perf_counter() - started:.0f} s")
            for view in VIEWS:
                _view(url, view)
        print(f"Took {time.perf_counter() - t0:.0f} s.")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
