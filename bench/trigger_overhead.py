"""Write throughput into public.bookings with and without pgfresh's capture triggers.

One throwaway cluster (its own port and data dir), schema/ loaded, `alembic upgrade head`.
Every INSERT and every status UPDATE takes the whole capture path: the trigger and one
pgfresh.source_changes row with the machines and days (and, for an UPDATE, the columns that
changed); which views a change concerns is read at refresh time, so the writer's cost does
not depend on how many views pgfresh.view_sources maps bookings to.
The two variants are measured in the same run on the same table, alternating measurement
by measurement (the triggers are enabled and disabled between measurements, outside the
timing; the order within a pair alternates), so load from other processes on the machine
hits both alike. The figures are medians; the overhead is the median of the per-pair
ratios.

Workloads and the goals of issue 18 (backend CPU):
- batched: INSERT ... SELECT of 1000 rows per statement (at most +2%);
- single-row INSERTs, each its own transaction (at most +15%);
- single-row status UPDATEs (at most +15%);
- single-row UPDATEs of a column no view reads (updated_at; at most +2%: the row trigger's
  UPDATE OF list is a bitmap test in C that skips the function).
Then 4 concurrent clients write (single-row INSERTs and status UPDATEs, autocommit) for a
few seconds with the triggers on while a fifth session samples pg_locks: every sample in
which one of the writers waits for a lock is counted (the goal: none).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from alembic import command

from pgfresh import config
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

PAIRS = 40            # measurements per variant, alternating with the other variant
BATCH_ROWS = 1000      # rows per batched INSERT statement
BATCHES = 3            # batched statements per measurement
SINGLES = 100          # single-row statements per measurement
PRELOAD_ROWS = 50_000

TRIGGERS = ("bookings__record_insert", "bookings__record_update",
            "bookings__record_delete", "bookings__record_truncate")
CLIENTS = 4
CLIENT_SECONDS = 5

BATCH_SQL = """
INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount)
SELECT u.id, e.id, 'pending',
       now() + g * interval '1 hour', now() + g * interval '1 hour' + interval '2 days', 100
FROM generate_series(1, %(rows)s) AS g
JOIN public.users AS u ON u.email = 'bench' || (g %% 50) || '@example.com'
JOIN public.equipment AS e ON e.name = 'bench machine ' || (g %% 50)
"""

UPDATE_SQL = """
UPDATE public.bookings SET status = CASE status WHEN 'pending' THEN 'confirmed' ELSE 'pending' END
WHERE id = %(id)s
"""

TOUCH_SQL = """
UPDATE public.bookings SET updated_at = clock_timestamp() WHERE id = %(id)s
"""

SINGLE_SQL = """
INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount)
VALUES (%(user_id)s, %(equipment_id)s, 'pending', now(), now() + interval '2 days', 100)
"""


def _set_triggers(conn: psycopg.Connection, enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    for name in TRIGGERS:
        conn.execute(f"ALTER TABLE public.bookings {verb} TRIGGER {name}")  # names are constants


class Clock:
    """Wall time, and CPU time of the server backend from /proc/<pid>/schedstat (ns on
    CPU): the machine is shared, so wall time includes waiting for a CPU; the backend's
    own CPU time does not, and resolves a small overhead that wall time drowns."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.path = Path(f"/proc/{conn.info.backend_pid}/schedstat")

    def cpu(self) -> float:
        return int(self.path.read_text().split()[0]) / 1e9

    def measure(self, work) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), self.cpu()
        work()
        return time.perf_counter() - wall, self.cpu() - cpu


def _batched(conn: psycopg.Connection) -> None:
    for _ in range(BATCHES):
        conn.execute(BATCH_SQL, {"rows": BATCH_ROWS}, prepare=True)


def _single(conn: psycopg.Connection, user_id, equipment_id) -> None:
    params = {"user_id": user_id, "equipment_id": equipment_id}
    for _ in range(SINGLES):
        conn.execute(SINGLE_SQL, params, prepare=True)


def _updates(conn: psycopg.Connection, ids: list, statement: str = UPDATE_SQL) -> None:
    for booking_id in ids:
        conn.execute(statement, {"id": booking_id}, prepare=True)


def _lock_waits(url: str, user_id, equipment_id, ids: list) -> tuple[int, int, int]:
    """CLIENTS writers for CLIENT_SECONDS (each: single-row INSERTs and status UPDATEs of
    its own bookings); returns (statements, samples of pg_locks, samples in which a writer
    waited for a lock)."""
    stop = threading.Event()
    counts = [0] * CLIENTS
    conns = [psycopg.connect(url, autocommit=True) for _ in range(CLIENTS)]
    pids = [c.info.backend_pid for c in conns]

    def write(n: int) -> None:
        mine = ids[n::CLIENTS]
        params = {"user_id": user_id, "equipment_id": equipment_id}
        while not stop.is_set():
            conns[n].execute(SINGLE_SQL, params, prepare=True)
            conns[n].execute(UPDATE_SQL, {"id": mine[counts[n] % len(mine)]}, prepare=True)
            counts[n] += 2

    threads = [threading.Thread(target=write, args=(n,)) for n in range(CLIENTS)]
    samples = waits = 0
    with psycopg.connect(url, autocommit=True) as observer:
        for t in threads:
            t.start()
        deadline = time.perf_counter() + CLIENT_SECONDS
        while time.perf_counter() < deadline:
            samples += 1
            waits += observer.execute(
                "SELECT count(*) > 0 FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids]
            ).fetchone()[0]
        stop.set()
        for t in threads:
            t.join()
    for c in conns:
        c.close()
    return sum(counts), samples, waits


def _prepare(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        load_schema(conn, config.ROOT)
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = True
    command.upgrade(cfg, "head")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO public.users (email, full_name) "
            "SELECT 'bench' || i || '@example.com', 'Bench ' || i FROM generate_series(0, 49) AS i")
        conn.execute(
            "INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
            "SELECT 'bench machine ' || i, 'bench', 100, '2024-01-01' FROM generate_series(0, 49) AS i")
        conn.execute(BATCH_SQL, {"rows": PRELOAD_ROWS})
        conn.execute("VACUUM ANALYZE")


def _overhead(off: list[float], on: list[float]) -> tuple[float, str]:
    """Median of the per-pair ratios (time with / time without) - 1, and their quartiles."""
    ratios = [b / a for a, b in zip(off, on, strict=True)]
    return statistics.median(ratios) - 1, " ".join(f"{q - 1:+.0%}" for q in statistics.quantiles(ratios))


def _report(title: str, rows: int, off: list[tuple[float, float]], on: list[tuple[float, float]]) -> None:
    """off/on: (wall s, backend CPU s) per measurement of ``rows`` rows, in back-to-back pairs."""
    wall_off, wall_on = [w for w, _ in off], [w for w, _ in on]
    cpu_off, cpu_on = [c for _, c in off], [c for _, c in on]
    wall, wall_q = _overhead(wall_off, wall_on)
    cpu, cpu_q = _overhead(cpu_off, cpu_on)
    print(f"{title:<28} {rows / statistics.median(wall_off):>9,.0f}"
          f" {rows / statistics.median(wall_on):>9,.0f}"
          f" {wall:>+8.1%} ({wall_q})"
          f" {statistics.median(cpu_off) / rows * 1e6:>9.1f} {statistics.median(cpu_on) / rows * 1e6:>9.1f}"
          f" {cpu:>+8.1%} ({cpu_q})")


def measure(pairs: int = PAIRS):
    """(server version, {(workload, triggers on): [(wall s, backend CPU s)]}, lock-wait probe
    (statements, samples, samples where a writer waited for a lock))."""
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="pgfresh_bench_cron")
    cluster.start()
    try:
        cluster.ensure_database("bench")
        url = cluster.url("bench")
        _prepare(url)
        seconds: dict[tuple[str, bool], list[tuple[float, float]]] = {}
        with psycopg.connect(url, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            user_id, equipment_id = conn.execute(
                "SELECT u.id, e.id FROM public.users u, public.equipment e LIMIT 1").fetchone()
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM public.bookings ORDER BY id LIMIT %s", [SINGLES]).fetchall()]
            clock = Clock(conn)
            for workload, work in (("batched", lambda: _batched(conn)),
                                   ("single", lambda: _single(conn, user_id, equipment_id)),
                                   ("update", lambda: _updates(conn, ids)),
                                   ("touch", lambda: _updates(conn, ids, TOUCH_SQL))):
                for i in range(pairs):
                    for enabled in ((False, True) if i % 2 == 0 else (True, False)):
                        _set_triggers(conn, enabled)
                        seconds.setdefault((workload, enabled), []).append(clock.measure(work))
                conn.execute("DELETE FROM pgfresh.source_changes")
            _set_triggers(conn, True)
            many = [r[0] for r in conn.execute(
                "SELECT id FROM public.bookings ORDER BY id DESC LIMIT %s", [CLIENTS * SINGLES]).fetchall()]
        return version, seconds, _lock_waits(url, user_id, equipment_id, many)
    finally:
        cluster.destroy()


WORKLOADS = {"batched": (f"batched ({BATCH_ROWS}-row INSERTs)", BATCHES * BATCH_ROWS),
             "single": ("single-row INSERTs", SINGLES),
             "update": ("single-row status UPDATEs", SINGLES),
             "touch": ("UPDATEs of updated_at only", SINGLES)}


def add_rows(report, pairs: int = PAIRS) -> None:
    """The capture triggers' backend CPU per row, as rows of the one bench table."""
    from bench.harness import Row, Stat, ratio

    _, seconds, (statements, samples, waits) = measure(pairs)
    for key, (title, rows) in WORKLOADS.items():
        off = [c / rows for _, c in seconds[(key, False)]]
        on = [c / rows for _, c in seconds[(key, True)]]
        report.add(Row("8 triggers vs peer", f"{title}: backend CPU per row",
                       {"without": Stat.of(off), "with": Stat.of(on)}, unit="s",
                       ratio=ratio(on, off), ratio_label="with / without",
                       note=f"preloaded {PRELOAD_ROWS:,} bookings; CPU from /proc/<pid>/schedstat"))
    report.add(Row("8 triggers vs peer", f"{CLIENTS} concurrent writers, triggers on: lock waits", {},
                   text=f"{waits} of {samples:,} samples", note=f"{statements:,} single-row statements"))


def main() -> None:
    t0 = time.perf_counter()
    version, seconds, (statements, samples, waits) = measure()
    print(f"\npgfresh bench trigger_overhead: writes to public.bookings, PostgreSQL {version}")
    print(f"{PAIRS} measurements per variant, alternating; preloaded {PRELOAD_ROWS:,} bookings\n")
    print(f"{'':<28} {'wall clock: rows/s':<42} {'backend CPU: us/row':<42}")
    print(f"{'workload':<28} {'without':>9} {'with':>9} {'overhead (quartiles)':<22}"
          f" {'without':>9} {'with':>9} {'overhead (quartiles)':<22}")
    for key, (title, rows) in WORKLOADS.items():
        _report(title, rows, seconds[(key, False)], seconds[(key, True)])
    print(f"\n{CLIENTS} concurrent writers, triggers on, {CLIENT_SECONDS} s: {statements:,} single-row"
          f" statements; a writer waited for a lock in {waits} of {samples:,} pg_locks samples")
    print("\noverhead: extra time per row with the capture triggers = median of the per-pair ratios"
          " (with / without) - 1;\nquartiles of those ratios in parentheses. Backend CPU is read from"
          f" /proc/<pid>/schedstat. Took {time.perf_counter() - t0:.0f} s.")


if __name__ == "__main__":
    main()
