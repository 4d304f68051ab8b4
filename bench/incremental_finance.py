"""Refreshing analytics.mv_financial_summary after one payment or one installment change.

Measured alternately in one run on the sample data (`pgfresh sample`, seed 42), each
refresh in a new session (as pg_cron runs it), right after one committed change:
- incremental, payment: a succeeded payment of the last 30 days changes its amount by a
  cent (a flow: its days are rewritten);
- incremental, installment: an installment created in the last 30 days changes its
  amount_due by a cent (a balance carried forward: its first day onward);
- full concurrent: `REFRESH MATERIALIZED VIEW CONCURRENTLY` of a materialized view with the
  same definition (`SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)`, same unique
  key): what every refresh cost before the view became incremental;
- full rebuild: `CALL pgfresh.refresh_view(..., p_full => true)`.
Medians with quartiles, wall time and the backend's CPU time (/proc/<pid>/schedstat);
then the balance part both ways (the open balance at the first dirty day from the
sources, as the row function does, against carrying the stored balance of the day before
forward: only the installments changed in the span), and the table compared with a
from-scratch computation (it must be equal).
PGFRESH_BENCH_SCALES="1 3" measures more scales; the default is scale 1.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import psycopg

from bench.harness import install
from bench.trigger_overhead import Clock
from pgfresh import sample
from pgfresh.localdb import Cluster, free_port

ROUNDS = 3             # full refreshes of each kind
INCREMENTAL_PER_ROUND = 4

FULL_MV = """
CREATE SCHEMA bench;
CREATE MATERIALIZED VIEW bench.mv_financial_full AS
SELECT * FROM pgfresh.mv_financial_summary_rows(NULL);
CREATE UNIQUE INDEX mv_financial_full_key_idx ON bench.mv_financial_full (snapshot_date);
"""

CHANGES = {
    "payment": ("SELECT id FROM public.payments WHERE status = 'succeeded' "
                "AND paid_at > now() - interval '30 days' ORDER BY id LIMIT 50",
                "UPDATE public.payments SET amount = amount + CASE WHEN amount::text LIKE '%%1' THEN -0.01 "
                "ELSE 0.01 END WHERE id = %(id)s"),
    "installment": ("SELECT id FROM public.payment_schedules WHERE status <> 'cancelled' "
                    "AND created_at > now() - interval '30 days' ORDER BY id LIMIT 50",
                    "UPDATE public.payment_schedules SET amount_due = amount_due + "
                    "CASE WHEN amount_due::text LIKE '%%1' THEN -0.01 ELSE 0.01 END WHERE id = %(id)s"),
}

DIFF_SQL = """
SELECT (SELECT count(*) FROM (TABLE analytics.mv_financial_summary
                              EXCEPT ALL SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)
                              EXCEPT ALL TABLE analytics.mv_financial_summary) AS b)
"""

# The installment rows the balances of k0 .. today need, both ways (k0: 30 days ago):
# from the sources (the row function's filter: open at the end of k0 or created after),
# or carried forward from the stored balance of k0 - 1 (only rows with an event in the span).
BALANCE_WAYS = {
    "open balance at k0": """
        SELECT count(*), sum(amount_due) FROM public.payment_schedules
         WHERE status <> 'cancelled' AND created_at < now() + interval '1 day'
           AND (paid_at IS NULL OR paid_at >= now() - interval '31 days')""",
    "carried forward": """
        SELECT count(*), sum(amount_due) FROM public.payment_schedules
         WHERE status <> 'cancelled'
           AND (created_at >= now() - interval '31 days' OR paid_at >= now() - interval '31 days'
                OR due_at >= now() - interval '32 days')""",
}

REWRITTEN_SQL = "SELECT count(*) FROM analytics.mv_financial_summary WHERE xmin::text = %s"


def _prepare(url: str, scale: float) -> int:
    install(url)
    with psycopg.connect(url, autocommit=True) as conn:
        sample.load(conn, scale=scale, seed=42)
        conn.execute("CALL pgfresh.refresh_view('mv_financial_summary', 'bench')")
        conn.execute(FULL_MV)
        conn.execute("VACUUM ANALYZE")
        return conn.execute("SELECT count(*) FROM analytics.mv_financial_summary").fetchone()[0]


def _timed(url: str, change: str | None, row_id, statement: str) -> tuple[float, float, int]:
    """Commit one change (None: none), then run ``statement`` in a new session; the rows
    it rewrote (by the xmin of its transaction, for the incremental refresh)."""
    if change is not None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(CHANGES[change][1], {"id": row_id})
    with psycopg.connect(url, autocommit=True) as conn:
        wall, cpu = Clock(conn).measure(lambda: conn.execute(statement))
        xid = conn.execute("SELECT xmin::text FROM analytics.mv_financial_summary "
                           "ORDER BY xmin::text::bigint DESC LIMIT 1").fetchone()[0]
        return wall, cpu, conn.execute(REWRITTEN_SQL, [xid]).fetchone()[0]


def _summary(values: list[float]) -> str:
    qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"{statistics.median(values) * 1000:>9.1f} ms ({qs[0] * 1000:.1f} - {qs[2] * 1000:.1f})"


def _scale(cluster: Cluster, scale: float) -> dict[str, list[tuple[float, float, int]]]:
    db = f"bench_{str(scale).replace('.', '_')}"
    cluster.ensure_database(db)
    url = cluster.url(db)
    t0 = time.perf_counter()
    rows = _prepare(url, scale)
    print(f"\nscale {scale}: {rows:,} rows in analytics.mv_financial_summary"
          f" (loaded in {time.perf_counter() - t0:.0f} s)")
    with psycopg.connect(url, autocommit=True) as conn:
        ids = {name: [r[0] for r in conn.execute(q)] for name, (q, _) in CHANGES.items()}
    incremental = "CALL pgfresh.refresh_view('mv_financial_summary', 'bench')"
    variants = {
        "incremental, payment": ("payment", incremental),
        "incremental, installment": ("installment", incremental),
        "full concurrent": (None, "REFRESH MATERIALIZED VIEW CONCURRENTLY bench.mv_financial_full"),
        "full rebuild": (None, "CALL pgfresh.refresh_view('mv_financial_summary', 'bench', p_full => true)"),
    }
    out: dict[str, list[tuple[float, float, int]]] = {name: [] for name in variants}
    n = 0
    for i in range(ROUNDS):
        order = list(variants)
        for name in order if i % 2 == 0 else reversed(order):
            change, statement = variants[name]
            for _ in range(INCREMENTAL_PER_ROUND if change else 1):
                row_id = ids[change][n % len(ids[change])] if change else None
                out[name].append(_timed(url, change, row_id, statement))
                n += 1
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(incremental)
        diff = conn.execute(DIFF_SQL).fetchone()[0]
        ways = {}
        for _ in range(5):
            for name, query in BALANCE_WAYS.items():
                t = time.perf_counter()
                conn.execute(query)
                ways.setdefault(name, []).append(time.perf_counter() - t)
    print(f"{'variant':<26} {'wall: median (quartiles)':<32} {'backend CPU: median (quartiles)':<32}"
          " rows rewritten")
    for name, values in out.items():
        rewritten = statistics.median(r for *_, r in values) if variants[name][0] else rows
        wall, cpu = _summary([w for w, _, _ in values]), _summary([c for _, c, _ in values])
        print(f"{name:<26} {wall:<32} {cpu:<32} {rewritten:,.0f}")
    full = statistics.median(w for w, _, _ in out["full concurrent"])
    for name in ("incremental, payment", "incremental, installment"):
        inc = statistics.median(w for w, _, _ in out[name])
        print(f"full concurrent / {name}: {full / inc:,.0f}x (wall)")
    print("installment rows for the balances of the last 30 days, both ways (5 alternating runs each):")
    for name, values in ways.items():
        print(f"  {name:<20} {_summary(values)}")
    print(f"rows differing from a from-scratch computation after the last incremental refresh: {diff}")
    return out


def main() -> None:
    scales = [float(s) for s in os.environ.get("PGFRESH_BENCH_SCALES", "1").split()]
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="pgfresh_bench_cron")
    t0 = time.perf_counter()
    cluster.start()
    try:
        print("\npgfresh bench incremental_finance: analytics.mv_financial_summary after one payment or"
              " installment change")
        for s in scales:
            _scale(cluster, s)
        print(f"Took {time.perf_counter() - t0:.0f} s.")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
