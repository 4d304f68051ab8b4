"""Change -> visible through the real pg_cron, and reads of the real-time views.

One throwaway cluster with pg_cron (its own port and data dir); pgfresh migrated into the
pg_cron database with its jobs, the sample business loaded at scale 1 (seed 42, as of
today), every view refreshed by the engine. Then:

1. Reads at sample scale 1: each materialized view, its live view (right after a refresh,
   and with a change of each kind in its tail) and the view's definition run live, the
   variants alternating read by read; medians of wall time (round trip included) and of
   the backend's CPU time (/proc/<pid>/schedstat: the machine is shared).
2. The queue server's idle round: backend CPU of the server per round while the queue is
   empty.
3. Change -> visible: CHANGES booking status changes (pending <-> confirmed of a booking
   starting now on a machine of its own), each committed at a random phase of the poll
   interval after the previous one became visible; the time from COMMIT until
   mv_equipment_utilization shows it, served by pg_cron's queue job (pgfresh.serve_queue,
   settings at their defaults). p50 / p95, and the same minus the refresh's own duration
   (job_runs): what the queue adds.

python -m bench latency [--scale 0.1]: this table alone (default scale 1); it also ends
the full `make bench` run at scale 1.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from alembic import command

from bench.trigger_overhead import Clock
from pgfresh import config, sample
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

SCALE = 1.0           # sample scale (python -m bench latency --scale 0.1)
READS = 30            # reads per variant, alternating
CHANGES = 20          # booking status changes timed through pg_cron
CRON_DB = "pgfresh_bench_latency"

RENTED = """
SELECT rented_days FROM analytics.mv_equipment_utilization
WHERE equipment_id = %s AND snapshot_date = (now() AT TIME ZONE pgfresh.setting('business_timezone'))::date
"""


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _poll_interval(conn: psycopg.Connection) -> float:
    value = conn.execute("SELECT pgfresh.setting('queue_poll_interval')::interval").fetchone()[0]
    return value.total_seconds()


def _prepare(url: str) -> float:
    """Migrate with the jobs, load the sample, refresh every view; returns the load time."""
    with psycopg.connect(url, autocommit=True) as conn:
        load_schema(conn, config.ROOT)
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = False
    command.upgrade(cfg, "head")
    with psycopg.connect(url, autocommit=True) as conn:
        # no scheduled refresh during the measurements: only the queue job refreshes
        conn.execute("SELECT pgfresh.pause_schedule()")
        t = time.perf_counter()
        today = datetime.now(ZoneInfo("America/New_York")).date()
        sample.load(conn, scale=SCALE, seed=42, as_of=today)
        loaded = time.perf_counter() - t
        conn.execute("VACUUM ANALYZE")
        for (view,) in conn.execute("SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order"):
            conn.execute("CALL pgfresh.refresh_view(%s, 'bench')", [view])
        conn.execute("DELETE FROM pgfresh.refresh_queue")
    return loaded


def _reads(conn: psycopg.Connection, queries: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median (wall ms, backend CPU ms) per query, the queries alternating read by read."""
    clock = Clock(conn)
    for sql in queries.values():  # plan caches warm, as on a dashboard's pooled connection
        conn.execute(sql).fetchall()
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in queries}
    for i in range(READS):
        names = list(queries) if i % 2 == 0 else list(reversed(queries))
        for name in names:
            out[name].append(clock.measure(lambda n=name: conn.execute(queries[n]).fetchall()))
    return {name: (statistics.median(w for w, _ in v) * 1000, statistics.median(c for _, c in v) * 1000)
            for name, v in out.items()}


def _definition(conn: psycopg.Connection, view: str) -> str:
    text = conn.execute("SELECT pg_get_viewdef(%s::regclass)", [f"analytics.{view}"]).fetchone()[0]
    return text.strip().rstrip(";")


def _read_report(conn: psycopg.Connection) -> None:
    print(f"reads at sample scale {SCALE} (all rows; medians of {READS}, alternating):")
    print(f"  {'relation':<58} {'wall ms':>8} {'CPU ms':>8}")
    for view, live, change in (
        ("mv_support_sla", "support_sla_live",
         "INSERT INTO public.support_tickets (user_id, priority, subject) "
         "SELECT id, 'high', 'bench' FROM public.users ORDER BY id LIMIT 1"),
        ("mv_alert_candidates", "alert_candidates_live",
         "UPDATE public.equipment SET status = 'available' WHERE id IN "
         "(SELECT entity_id FROM analytics.mv_alert_candidates "
         "WHERE alert_type = 'low_utilization' LIMIT 1)"),
    ):
        conn.execute("CALL pgfresh.refresh_view(%s, 'bench')", [view])
        queries = {
            f"analytics.{view} (materialized)": f"SELECT * FROM analytics.{view}",
            f"analytics.{live}, right after a refresh": f"SELECT * FROM analytics.{live}",
            f"the definition of {view}, live": _definition(conn, view),
        }
        fresh = _reads(conn, queries)
        conn.execute(change)
        changed = _reads(conn, {f"analytics.{live}, after a change ({change.split()[0]})":
                                f"SELECT * FROM analytics.{live}"})
        for name, (wall, cpu) in {**fresh, **changed}.items():
            print(f"  {name:<58} {wall:>8.2f} {cpu:>8.2f}")
        conn.execute("DELETE FROM pgfresh.refresh_queue")


def _server_pid(conn: psycopg.Connection) -> int | None:
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 0 "
        "AND classid = (pgfresh._queue_server_lock_key() >> 32)::oid").fetchone()
    return row and row[0]


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"timed out: {what}")


def _idle_round(conn: psycopg.Connection) -> None:
    _wait(lambda: _server_pid(conn), 75, "pg_cron starts the queue server")
    # Idle means idle: the sample load and the reads above recorded changes; wait until
    # the server has served them all before counting its CPU.
    _wait(lambda: not conn.execute("SELECT pgfresh._queue_has_work()").fetchone()[0], 180,
          "the queue server drains the queue")
    poll = _poll_interval(conn)
    for _ in range(3):  # a server ends its run every minute: measure within one run
        pid = _wait(lambda: _server_pid(conn), 75, "pg_cron starts the queue server")
        stat = Path(f"/proc/{pid}/schedstat")
        try:
            cpu0, t0 = int(stat.read_text().split()[0]), time.monotonic()
            time.sleep(min(20.0, 10 * poll))
            cpu1, t1 = int(stat.read_text().split()[0]), time.monotonic()
            break
        except FileNotFoundError:
            continue
    else:
        raise RuntimeError("the queue server kept ending during the idle measurement")
    rounds = (t1 - t0) / poll
    print(f"\nqueue server idle: {(cpu1 - cpu0) / 1e6 / rounds:.3f} ms backend CPU per round "
          f"({rounds:.0f} rounds of {poll:g} s), "
          f"{(cpu1 - cpu0) / 1e6 / (t1 - t0) * 60:.1f} ms CPU per minute")


def _latency(conn: psycopg.Connection) -> None:
    user_id = conn.execute("SELECT id FROM public.users ORDER BY id LIMIT 1").fetchone()[0]
    machine = conn.execute(
        "INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
        "VALUES ('bench machine', 'bench', 100, current_date - 30) RETURNING id").fetchone()[0]
    booking = conn.execute(
        "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount) "
        "VALUES (%s, %s, 'pending', now(), now() + interval '2 days', 500) RETURNING id",
        [user_id, machine]).fetchone()[0]
    _wait(lambda: conn.execute(RENTED, [machine]).fetchone(), 120, "the new machine in utilization")
    poll = _poll_interval(conn)
    rng = random.Random(42)
    lags, refreshes = [], []
    for i in range(CHANGES):
        status, rented = ("confirmed", 1) if i % 2 == 0 else ("pending", 0)
        last_run = conn.execute("SELECT coalesce(max(id), 0) FROM pgfresh.job_runs").fetchone()[0]
        time.sleep(rng.uniform(0, poll))
        conn.execute("UPDATE public.bookings SET status = %s WHERE id = %s", [status, booking])
        committed = time.monotonic()
        _wait(lambda r=rented: conn.execute(RENTED, [machine]).fetchone() == (r,), 300, "the change visible")
        lags.append(time.monotonic() - committed)
        refreshes.append(conn.execute(
            "SELECT extract(EPOCH FROM max(duration))::float FROM pgfresh.job_runs WHERE id > %s "
            "AND view_name = 'mv_equipment_utilization' AND status = 'success'",
            [last_run]).fetchone()[0] or 0)
        # the next change starts once this refresh has committed and the server is polling again
        _wait(lambda: not conn.execute("SELECT EXISTS (SELECT FROM pgfresh.job_runs WHERE status = 'running')"
                                       ).fetchone()[0], 300, "the refresh ended")
    queue = [lag - r for lag, r in zip(lags, refreshes, strict=True)]
    print(f"\nchange -> visible, booking status -> mv_equipment_utilization, through pg_cron's queue job "
          f"({CHANGES} changes, queue_poll_interval {poll:g} s):")
    print(f"  {'':<38} {'p50':>7} {'p95':>7} {'max':>7}")
    for name, values in (("commit -> visible (s)", lags), ("  of which the refresh (s)", refreshes),
                         ("  of which waiting for the queue (s)", queue)):
        p50, p95 = _percentile(values, 50), _percentile(values, 95)
        print(f"  {name:<38} {p50:>7.2f} {p95:>7.2f} {max(values):>7.2f}")


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db=CRON_DB)
    t0 = time.perf_counter()
    cluster.start()
    try:
        url = cluster.url(CRON_DB)
        loaded = _prepare(url)
        with psycopg.connect(url, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            cron = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'").fetchone()[0]
            print(f"\npgfresh bench latency: PostgreSQL {version}, pg_cron {cron}, sample scale {SCALE} "
                  f"(loaded in {loaded:.0f} s)\n")
            _read_report(conn)
            _idle_round(conn)
            _latency(conn)
        print(f"\nTook {time.perf_counter() - t0:.0f} s.")
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
