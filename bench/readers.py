"""Row 3: a dashboard reader querying a view every 10 ms while the view is refreshed:
the longest wait of one read and the reads that failed, per way of refreshing."""

from __future__ import annotations

import threading
import time

import psycopg

from bench.harness import BOOKING_STATUS_CHANGE, BenchDb, Report, Row, Stat

VIEW = "analytics.mv_support_sla"  # a daily materialized view (the other daily views are incremental)
READ = f"SELECT * FROM {VIEW} WHERE bucket_date > current_date - 90"
INCREMENTAL = "analytics.mv_equipment_utilization"
INCREMENTAL_READ = (f"SELECT * FROM {INCREMENTAL} WHERE equipment_id = %(machine)s"
                    " AND snapshot_date > current_date - 30")
INTERVAL = 0.010


class Reader(threading.Thread):
    """Reads every INTERVAL until stopped; records each read's latency and failures."""

    def __init__(self, url: str, machine, query: str) -> None:
        super().__init__(daemon=True)
        self.url, self.machine, self.query = url, machine, query
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name="bench-reader") as conn:
            self.ready.set()
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    conn.execute(self.query, {"machine": self.machine}).fetchall()
                except psycopg.Error as exc:
                    self.failures.append(str(exc).splitlines()[0])
                self.latencies.append(time.perf_counter() - started)
                time.sleep(INTERVAL)


def during(db: BenchDb, machine, query: str, work) -> tuple[float, int, int]:
    """(longest read, failed reads, reads) while ``work(conn)`` runs on another session."""
    reader = Reader(db.url, machine, query)
    reader.start()
    reader.ready.wait()
    time.sleep(0.2)
    with db.connect() as conn:
        work(conn)
    time.sleep(0.2)
    reader.stop.set()
    reader.join()
    return max(reader.latencies), len(reader.failures), len(reader.latencies)


def variants() -> dict[str, tuple[str, object]]:
    """name -> (the reader's query, the refresh)."""
    return {
        "plain REFRESH of mv_support_sla": (
            READ, lambda conn: conn.execute(f"REFRESH MATERIALIZED VIEW {VIEW}")),
        "REFRESH CONCURRENTLY of mv_support_sla": (
            READ, lambda conn: conn.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {VIEW}")),
        "full rebuild of mv_equipment_utilization": (
            INCREMENTAL_READ,
            lambda conn: conn.execute(
                "CALL pgfresh.refresh_view('mv_equipment_utilization', 'bench', true)")),
        "incremental refresh of mv_equipment_utilization": (
            INCREMENTAL_READ, lambda conn: (conn.execute(BOOKING_STATUS_CHANGE), conn.execute(
                "CALL pgfresh.refresh_view('mv_equipment_utilization', 'bench')"))),
    }


def run(db: BenchDb, report: Report, pairs: int) -> None:
    with db.connect() as conn:
        machine = conn.execute(f"SELECT equipment_id FROM {INCREMENTAL} LIMIT 1").fetchone()[0]
    results: dict[str, list[tuple[float, int, int]]] = {}
    names = list(variants())
    for i in range(pairs):
        for name in (names if i % 2 == 0 else list(reversed(names))):
            query, work = variants()[name]
            results.setdefault(name, []).append(during(db, machine, query, work))
    for name, runs in results.items():
        failed = sum(r[1] for r in runs)
        reads = sum(r[2] for r in runs)
        report.add(Row("3 readers during refresh", name,
                       {"longest read": Stat.of([r[0] for r in runs])},
                       note=f"{failed} of {reads} reads failed"))
