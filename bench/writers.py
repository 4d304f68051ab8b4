"""Row 4: four application clients writing bookings with single-row statements (insert a
booking, change another's status), with and without pgfresh's triggers, while refreshes
run: throughput, p99 statement latency, and how often a writer waited on a lock.

The variants alternate in rounds of ROUND_SECONDS; the triggers are switched with
`ALTER TABLE public.bookings DISABLE / ENABLE TRIGGER USER` between rounds.
"""

from __future__ import annotations

import random
import statistics
import threading
import time

import psycopg

from bench.harness import BenchDb, Report, Row, Stat, ratio

CLIENTS = 4
ROUND_SECONDS = 6.0

INSERT = """
INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount)
VALUES (%(user_id)s, %(equipment_id)s, 'pending', now() + interval '30 days',
        now() + interval '32 days', 100)
RETURNING id
"""
UPDATE = """
UPDATE public.bookings
SET status = CASE status WHEN 'pending' THEN 'confirmed' ELSE 'pending' END, updated_at = now()
WHERE id = %(id)s
"""


def _writer(url: str, stop: threading.Event, latencies: list[float], seed: int, pool: list) -> None:
    rnd = random.Random(seed)
    with psycopg.connect(url, autocommit=True, application_name="bench-writer") as conn:
        while not stop.is_set():
            user_id, equipment_id, booking_id = pool[rnd.randrange(len(pool))]
            for query, params in ((INSERT, {"user_id": user_id, "equipment_id": equipment_id}),
                                  (UPDATE, {"id": booking_id})):
                started = time.perf_counter()
                conn.execute(query, params, prepare=True)
                latencies.append(time.perf_counter() - started)


def _refresher(url: str, stop: threading.Event) -> None:
    """The same refresh load in both variants (not the queue, which only the variant with
    triggers would fill): the views a booking change makes stale, one after the other."""
    with psycopg.connect(url, autocommit=True, application_name="bench-refresher") as conn:
        while not stop.is_set():
            for view in ("mv_equipment_utilization", "mv_booking_trends"):
                conn.execute("CALL pgfresh.refresh_view(%s, 'bench', true)", [view])
            stop.wait(0.5)


def _sampler(url: str, stop: threading.Event, counts: list[int]) -> None:
    """counts = [samples of writer backends, samples where one waited on a lock]."""
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            for (wait_type,) in conn.execute(
                    "SELECT wait_event_type FROM pg_catalog.pg_stat_activity "
                    "WHERE application_name = 'bench-writer' AND state = 'active'"):
                counts[0] += 1
                counts[1] += wait_type == "Lock"
            stop.wait(0.02)


def one_round(db: BenchDb, pool: list, seed: int) -> tuple[float, float, int, int]:
    """(statements per second, p99 latency, samples, lock-wait samples)."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    counts = [0, 0]
    threads = [threading.Thread(target=_writer, args=(db.url, stop, latencies[i], seed + i, pool))
               for i in range(CLIENTS)]
    threads += [threading.Thread(target=_refresher, args=(db.url, stop)),
                threading.Thread(target=_sampler, args=(db.url, stop, counts))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(ROUND_SECONDS)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    merged = [x for lat in latencies for x in lat]
    p99 = statistics.quantiles(merged, n=100)[98] if len(merged) > 1 else merged[0]
    return len(merged) / elapsed, p99, counts[0], counts[1]


def run(db: BenchDb, report: Report, pairs: int) -> None:
    with db.connect() as conn:
        pool = conn.execute(
            "SELECT user_id, equipment_id, id FROM public.bookings ORDER BY id LIMIT 2000").fetchall()
    results: dict[bool, list[tuple[float, float, int, int]]] = {True: [], False: []}
    for i in range(pairs):
        for enabled in ((False, True) if i % 2 == 0 else (True, False)):
            with db.connect() as conn:
                conn.execute(f"ALTER TABLE public.bookings {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
            results[enabled].append(one_round(db, pool, seed=i * 10))
            with db.connect() as conn:
                conn.execute("DELETE FROM pgfresh.refresh_queue")
                conn.execute("DELETE FROM pgfresh.source_changes")
    with db.connect() as conn:
        conn.execute("ALTER TABLE public.bookings ENABLE TRIGGER USER")
    name = {False: "without triggers", True: "with pgfresh triggers"}
    tps = {name[k]: Stat.of([r[0] for r in v]) for k, v in results.items()}
    p99 = {name[k]: Stat.of([r[1] for r in v]) for k, v in results.items()}
    report.add(Row("4 writers under load",
                   f"{CLIENTS} clients, single-row insert + status update: throughput",
                   tps, unit="statements/s",
                   ratio=ratio([r[0] for r in results[True]], [r[0] for r in results[False]]),
                   ratio_label="with / without"))
    waits = {k: (sum(r[3] for r in v), sum(r[2] for r in v)) for k, v in results.items()}
    report.add(Row("4 writers under load", "p99 statement latency", p99,
                   ratio=ratio([r[1] for r in results[True]], [r[1] for r in results[False]]),
                   ratio_label="with / without",
                   note="lock waits between writers: "
                        + ", ".join(f"{name[k]} {w} of {n} samples" for k, (w, n) in waits.items())))
