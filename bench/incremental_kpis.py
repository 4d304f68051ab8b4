"""Refreshing analytics.mv_dashboard_kpis after one booking change or one installment change.

Measured alternately in one run on the same sample data (`pgfresh sample`, seed 42), each
refresh in a new session (as pg_cron runs it) right after one committed change:
- incremental, booking: a booking created in the last 30 days toggled confirmed <->
  cancelled (counts: its days, their next day and week);
- incremental, installment: the amount of an installment created in the last 30 days
  changed by a cent (balances: its first day onward, carried forward);
- full concurrent: `REFRESH MATERIALIZED VIEW CONCURRENTLY` of a materialized view with
  the same definition (`SELECT * FROM pgfresh.mv_dashboard_kpis_rows()`, same unique key),
  what a refresh cost before the view became incremental (issue 18: 1.5 s at scale 1);
- full rebuild: `CALL pgfresh.refresh_view(..., p_full => true)`.
Then, carry forward or not: the rows of the last 30 days computed by the row function
with their balances summed over the whole history (p_stored NULL) vs carried forward from
the stored day before (p_stored: every source but payment_schedules), alternately.
Medians with quartiles, wall time and the backend's CPU time (/proc/<pid>/schedstat). At
the end, the table is compared with a from-scratch computation (it must be equal).
Run: .venv/bin/python -m bench.incremental_kpis (PGFRESH_BENCH_SCALES="1 3" for more scales).
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

ROUNDS = 3  # full refreshes of each kind
INCREMENTAL_PER_ROUND = 4
ROWS_PAIRS = 6

FULL_MV = """
CREATE SCHEMA bench;
CREATE MATERIALIZED VIEW bench.mv_kpis_full AS SELECT * FROM pgfresh.mv_dashboard_kpis_rows();
CREATE UNIQUE INDEX mv_kpis_full_key_idx ON bench.mv_kpis_full (snapshot_date);
"""

CHANGES = {
    "booking": "UPDATE public.bookings SET status = CASE status WHEN 'confirmed' THEN 'cancelled' "
    "ELSE 'confirmed' END WHERE id = %(id)s",
    "installment": "UPDATE public.payment_schedules SET amount_due = amount_due + "
    "CASE WHEN amount_due > 1 THEN -0.01 ELSE 0.01 END WHERE id = %(id)s",
}

PICK = {
    "booking": "SELECT id FROM public.bookings WHERE status IN ('confirmed', 'cancelled') "
    "AND created_at > now() - interval '30 days' AND end_at < now() ORDER BY id LIMIT 100",
    "installment": "SELECT id FROM public.payment_schedules WHERE status <> 'cancelled' "
    "AND created_at > now() - interval '30 days' AND due_at < now() ORDER BY id LIMIT 100",
}

REFRESH = "CALL pgfresh.refresh_view('mv_dashboard_kpis', 'bench')"
VARIANTS = {
    "incremental, booking": ("booking", REFRESH),
    "incremental, installment": ("installment", REFRESH),
    "full concurrent": ("booking", "REFRESH MATERIALIZED VIEW CONCURRENTLY bench.mv_kpis_full"),
    "full rebuild": ("booking", "CALL pgfresh.refresh_view('mv_dashboard_kpis', 'bench', p_full => true)"),
}

LAST_30 = (
    "ARRAY(SELECT (now() AT TIME ZONE pgfresh.setting('business_timezone'))::date - g "
    "FROM generate_series(0, 29) AS g)"
)
ROWS = {
    "30 days, balances from the history": f"SELECT count(*) FROM pgfresh.mv_dashboard_kpis_rows({LAST_30})",
    "30 days, balances carried forward": f"SELECT count(*) FROM pgfresh.mv_dashboard_kpis_rows({LAST_30}, "
    "'{public.bookings,public.payments,public.equipment_utilization,public.insurance_documents}')",
}

DIFF_SQL = """
SELECT (SELECT count(*) FROM (SELECT * FROM analytics.mv_dashboard_kpis
                              EXCEPT ALL SELECT * FROM pgfresh.mv_dashboard_kpis_rows()) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pgfresh.mv_dashboard_kpis_rows()
                              EXCEPT ALL SELECT * FROM analytics.mv_dashboard_kpis) AS b)
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
        conn.execute("CALL pgfresh.refresh_view('mv_dashboard_kpis', 'bench', p_full => true)")
        conn.execute(FULL_MV)
        conn.execute("VACUUM ANALYZE")
        return conn.execute("SELECT count(*) FROM analytics.mv_dashboard_kpis").fetchone()[0]


def _timed(url: str, change: str, change_id, statement: str) -> tuple[float, float]:
    """Commit one change, then run ``statement`` in a new session."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(CHANGES[change], {"id": change_id})
    with psycopg.connect(url, autocommit=True) as conn:
        return Clock(conn).measure(lambda: conn.execute(statement))


def _summary(values: list[float]) -> str:
    qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{statistics.median(values) * 1000:>9.1f} ms ({qs[0] * 1000:.1f} - {qs[2] * 1000:.1f})"


def _table(out: dict[str, list[tuple[float, float]]]) -> None:
    print(f"{'variant':<36} {'wall: median (quartiles)':<32} {'backend CPU: median (quartiles)':<32}")
    for name, values in out.items():
        print(f"{name:<36} {_summary([w for w, _ in values]):<32} {_summary([c for _, c in values]):<32}")


def _scale(cluster: Cluster, scale: float) -> dict[str, list[tuple[float, float]]]:
    db = f"bench_kpis_{str(scale).replace('.', '_')}"
    cluster.ensure_database(db)
    url = cluster.url(db)
    t0 = time.perf_counter()
    rows = _prepare(url, scale)
    print(
        f"\nscale {scale}: {rows:,} rows in analytics.mv_dashboard_kpis"
        f" (loaded in {time.perf_counter() - t0:.0f} s)"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        ids = {k: [r[0] for r in conn.execute(q)] for k, q in PICK.items()}
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    n = 0
    for i in range(ROUNDS):
        order = list(VARIANTS)
        for name in order if i % 2 == 0 else reversed(order):
            change, statement = VARIANTS[name]
            for _ in range(INCREMENTAL_PER_ROUND if statement == REFRESH else 1):
                out[name].append(_timed(url, change, ids[change][n % len(ids[change])], statement))
                n += 1
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(REFRESH)
        diff = conn.execute(DIFF_SQL).fetchone()[0]
        clock = Clock(conn)
        carried = {name: [] for name in ROWS}
        for i in range(ROWS_PAIRS):
            for name in list(ROWS) if i % 2 == 0 else reversed(list(ROWS)):
                carried[name].append(clock.measure(lambda s=ROWS[name]: conn.execute(s)))
    _table(out)
    full = statistics.median(w for w, _ in out["full concurrent"])
    for name in ("incremental, booking", "incremental, installment"):
        inc = statistics.median(w for w, _ in out[name])
        print(f"full concurrent / {name}: {full / inc:,.1f}x (wall)")
    print(f"rows differing from a from-scratch computation after the last incremental refresh: {diff}")
    print("\nthe row function alone, the rows of the last 30 days (an installment change 30 days ago):")
    _table(carried)
    history, forward = (statistics.median(w for w, _ in carried[k]) for k in ROWS)
    print(f"history / carried forward: {history / forward:,.1f}x (wall)")
    return out


def main() -> None:
    scales = [float(s) for s in os.environ.get("PGFRESH_BENCH_SCALES", "1").split()]
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="pgfresh_bench_cron")
    t0 = time.perf_counter()
    cluster.start()
    try:
        print(
            "\npgfresh bench incremental_kpis: analytics.mv_dashboard_kpis"
            " after one booking or installment change"
        )
        for s in scales:
            _scale(cluster, s)
        print(f"Took {time.perf_counter() - t0:.0f} s.")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
