"""Refreshing analytics.mv_equipment_utilization after one booking status change.

Three ways, measured alternately in one run on the same sample data (`pgfresh sample`,
seed 42), each right after one committed booking status change (completed <-> cancelled
of a booking in the period, a different one each time):
- incremental: `CALL pgfresh.refresh_view('mv_equipment_utilization')` in a new session
  (as pg_cron runs it): the recorded change's (machine, day) keys only;
- full concurrent: `REFRESH MATERIALIZED VIEW CONCURRENTLY` of a materialized view with the
  same definition (`SELECT * FROM pgfresh.mv_equipment_utilization_rows()`, same unique
  key), what a refresh cost before the view became incremental;
- full rebuild: `CALL pgfresh.refresh_view(..., p_full => true)` (delete + insert of every
  row, the nightly repair path).
Medians with quartiles, wall time and the backend's CPU time (/proc/<pid>/schedstat).
At the end, the table is compared with a from-scratch computation (it must be equal).
PGFRESH_BENCH_SCALES="1 3" measures more scales (scale 3 loads for several minutes and
needs about 2.5 GB of memory); the default is scale 1.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import psycopg
from alembic import command

from bench.trigger_overhead import Clock
from pgfresh import config, sample
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

ROUNDS = 3             # full refreshes of each kind
INCREMENTAL_PER_ROUND = 5

FULL_MV = """
CREATE SCHEMA bench;
CREATE MATERIALIZED VIEW bench.mv_utilization_full AS
SELECT * FROM pgfresh.mv_equipment_utilization_rows();
CREATE UNIQUE INDEX mv_utilization_full_key_idx ON bench.mv_utilization_full (snapshot_date, equipment_id);
"""

TOGGLE_SQL = """
UPDATE public.bookings
SET status = CASE status WHEN 'completed' THEN 'cancelled' ELSE 'completed' END
WHERE id = %(id)s
"""

DIFF_SQL = """
SELECT (SELECT count(*) FROM (SELECT * FROM analytics.mv_equipment_utilization
                              EXCEPT ALL SELECT * FROM pgfresh.mv_equipment_utilization_rows()) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pgfresh.mv_equipment_utilization_rows()
                              EXCEPT ALL SELECT * FROM analytics.mv_equipment_utilization) AS b)
"""


def _prepare(url: str, scale: float) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        load_schema(conn, config.ROOT)
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = True
    command.upgrade(cfg, "head")
    with psycopg.connect(url, autocommit=True) as conn:
        sample.load(conn, scale=scale, seed=42)
        conn.execute("CALL pgfresh.refresh_view('mv_equipment_utilization', 'bench')")
        conn.execute(FULL_MV)
        conn.execute("VACUUM ANALYZE")
        return conn.execute("SELECT count(*) FROM analytics.mv_equipment_utilization").fetchone()[0]


def _timed(url: str, change_id, statement: str) -> tuple[float, float]:
    """Commit one booking's status change, then run ``statement`` in a new session."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TOGGLE_SQL, {"id": change_id})
    with psycopg.connect(url, autocommit=True) as conn:
        return Clock(conn).measure(lambda: conn.execute(statement))


def _summary(values: list[float]) -> str:
    qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{statistics.median(values) * 1000:>9.1f} ms ({qs[0] * 1000:.1f} - {qs[2] * 1000:.1f})"


def _scale(cluster: Cluster, scale: float) -> dict[str, list[tuple[float, float]]]:
    db = f"bench_{str(scale).replace('.', '_')}"
    cluster.ensure_database(db)
    url = cluster.url(db)
    t0 = time.perf_counter()
    rows = _prepare(url, scale)
    print(f"\nscale {scale}: {rows:,} rows in analytics.mv_equipment_utilization"
          f" (loaded in {time.perf_counter() - t0:.0f} s)")
    with psycopg.connect(url, autocommit=True) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT b.id FROM public.bookings AS b WHERE b.status = 'completed' "
            "AND b.end_at > now() - interval '300 days' ORDER BY b.id LIMIT 100")]
    variants = {
        "incremental": "CALL pgfresh.refresh_view('mv_equipment_utilization', 'bench')",
        "full concurrent": "REFRESH MATERIALIZED VIEW CONCURRENTLY bench.mv_utilization_full",
        "full rebuild": "CALL pgfresh.refresh_view('mv_equipment_utilization', 'bench', p_full => true)",
    }
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    n = 0
    for i in range(ROUNDS):
        order = ["incremental", "full concurrent", "full rebuild"]
        for name in order if i % 2 == 0 else reversed(order):
            for _ in range(INCREMENTAL_PER_ROUND if name == "incremental" else 1):
                out[name].append(_timed(url, ids[n % len(ids)], variants[name]))
                n += 1
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(variants["incremental"])
        diff = conn.execute(DIFF_SQL).fetchone()[0]
    print(f"{'variant':<18} {'wall: median (quartiles)':<32} {'backend CPU: median (quartiles)':<32}")
    for name, values in out.items():
        print(f"{name:<18} {_summary([w for w, _ in values]):<32} {_summary([c for _, c in values]):<32}")
    inc = statistics.median(w for w, _ in out["incremental"])
    full = statistics.median(w for w, _ in out["full concurrent"])
    print(f"full concurrent / incremental: {full / inc:,.0f}x (wall); rows differing from a"
          f" from-scratch computation after the last incremental refresh: {diff}")
    return out


def main() -> None:
    scales = [float(s) for s in os.environ.get("PGFRESH_BENCH_SCALES", "1").split()]
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="pgfresh_bench_cron")
    t0 = time.perf_counter()
    cluster.start()
    try:
        print("\npgfresh bench incremental_refresh: analytics.mv_equipment_utilization after one booking"
              " status change")
        results = {s: _scale(cluster, s) for s in scales}
        if len(scales) > 1:
            base = statistics.median(w for w, _ in results[scales[0]]["incremental"])
            for s in scales[1:]:
                other = statistics.median(w for w, _ in results[s]["incremental"])
                print(f"incremental at scale {s} / scale {scales[0]}: {other / base:.2f}x (wall)")
        print(f"Took {time.perf_counter() - t0:.0f} s.")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
