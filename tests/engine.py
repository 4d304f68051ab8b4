"""Shared pieces of the refresh-engine tests: test-only views, sample rows, real sessions.

The views made here exist only in the test's own fresh database (the ``db`` fixture), in
schema analytics, so they are managed views like the shipped ones:

- ``mv_test_gated`` reads ``public.test_gate``. A session that holds ``LOCK TABLE
  public.test_gate`` stops any refresh of it mid-way, for as long as the test wants: a
  slow refresh without sleeping or guessing durations.
- ``mv_test_fragile`` divides by ``public.test_divisor.d``: set d = 0 and its refresh
  fails with division_by_zero (22012); set it back and it succeeds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from .conftest import connect

WAIT_SECONDS = 20

TEST_VIEWS_SQL = """
CREATE TABLE public.test_gate (id integer PRIMARY KEY);
INSERT INTO public.test_gate VALUES (1), (2);
CREATE MATERIALIZED VIEW analytics.mv_test_gated AS SELECT id FROM public.test_gate WITH NO DATA;
CREATE UNIQUE INDEX mv_test_gated_id_idx ON analytics.mv_test_gated (id);

CREATE TABLE public.test_divisor (id integer PRIMARY KEY, d integer NOT NULL);
INSERT INTO public.test_divisor VALUES (1, 1);
CREATE MATERIALIZED VIEW analytics.mv_test_fragile AS
    SELECT id, 100 / d AS quotient FROM public.test_divisor WITH NO DATA;
CREATE UNIQUE INDEX mv_test_fragile_id_idx ON analytics.mv_test_fragile (id);
"""


def install_test_views(url: str) -> None:
    with connect(url) as conn:
        conn.execute(TEST_VIEWS_SQL)


def set_failing(conn: psycopg.Connection, failing: bool) -> None:
    conn.execute("UPDATE public.test_divisor SET d = %s", [0 if failing else 1])


def runs(conn: psycopg.Connection, view: str) -> list[tuple]:
    """(status, source, sqlstate) of the view's job_runs, oldest first."""
    return conn.execute(
        "SELECT status, source, sqlstate FROM pgfresh.job_runs WHERE view_name = %s ORDER BY id",
        [view],
    ).fetchall()


# Pending requests: those of refresh_queue (manual, retries) and, per view mapped to their
# source (pgfresh.view_sources, update_columns applied), the source changes recorded by the
# capture triggers that the view has not taken yet (pgfresh.change_marks), oldest first.
PENDING = """(SELECT q.view_name, q.reason, q.enqueued_at, q.id FROM pgfresh.refresh_queue AS q
              UNION ALL
              SELECT s.view_name, c.source_table || ' ' || c.operation, c.recorded_at, c.id
                FROM pgfresh.source_changes AS c
                JOIN pgfresh.view_sources AS s ON s.source_table = c.source_table
                LEFT JOIN pgfresh.change_marks AS m ON m.view_name = s.view_name
               WHERE (s.update_columns IS NULL OR c.changed_columns IS NULL
                      OR s.update_columns && c.changed_columns)
                 AND (m.taken_through IS NULL
                      OR NOT pg_visible_in_snapshot(c.xid, m.taken_through))) AS p"""


def queued(conn: psycopg.Connection, view: str) -> int:
    return conn.execute(
        f"SELECT count(*) FROM {PENDING} WHERE p.view_name = %s", [view]
    ).fetchone()[0]


def reasons_of(conn: psycopg.Connection, view: str) -> list[str]:
    """The reasons of the view's pending requests (queued or recorded changes), oldest first."""
    return [r[0] for r in conn.execute(
        f"SELECT p.reason FROM {PENDING} WHERE p.view_name = %s ORDER BY p.enqueued_at, p.id", [view])]


def pending(conn: psycopg.Connection) -> list[tuple]:
    """(view, reason) of every pending request, oldest first."""
    return [tuple(r) for r in conn.execute(
        f"SELECT p.view_name, p.reason FROM {PENDING} ORDER BY p.enqueued_at, p.view_name, p.id")]


def map_source(conn: psycopg.Connection, table: str, view: str, columns: list[str] | None = None) -> None:
    """A test-only view_sources row: changes of ``table`` enqueue ``view``."""
    conn.execute(
        "INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES (%s, %s, %s)",
        [table, view, columns],
    )


# -- sample rows ------------------------------------------------------------------------


def add_customer_and_machine(conn: psycopg.Connection) -> tuple[str, str]:
    user_id = conn.execute(
        "INSERT INTO public.users (email, full_name) "
        "VALUES ('c' || gen_random_uuid() || '@example.com', 'Test Customer') RETURNING id"
    ).fetchone()[0]
    equipment_id = conn.execute(
        "INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
        "VALUES ('Excavator', 'earthmoving', 250, '2024-01-01') RETURNING id"
    ).fetchone()[0]
    return user_id, equipment_id


def add_booking(conn: psycopg.Connection, user_id: str, equipment_id: str, status: str = "pending") -> str:
    return conn.execute(
        "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount) "
        "VALUES (%s, %s, %s, now(), now() + interval '2 days', 500) RETURNING id",
        [user_id, equipment_id, status],
    ).fetchone()[0]


# -- real sessions, scripted ------------------------------------------------------------


def wait_until(predicate: Callable[[], Any], what: str, seconds: float = WAIT_SECONDS) -> Any:
    """Poll until ``predicate()`` is truthy; fail with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        time.sleep(0.02)


def waiting_on_lock(observer: psycopg.Connection, pid: int) -> bool:
    row = observer.execute(
        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
    ).fetchone()
    return row is not None and row[0] == "Lock"


class Background:
    """One statement run in another thread on its own session; ``join`` returns its result
    or raises its error."""

    def __init__(self, url: str, sql: str, params: list | None = None, **connect_kw) -> None:
        self.conn = connect(url, **connect_kw)
        self.pid = self.conn.info.backend_pid
        self.notices: list[str] = []
        self.conn.add_notice_handler(lambda d: self.notices.append(d.message_primary))
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(sql, params), daemon=True)
        self._thread.start()

    def _run(self, sql: str, params: list | None) -> None:
        try:
            cur = self.conn.execute(sql, params)
            self._result = cur.fetchall() if cur.description else None
        except BaseException as exc:  # handed to the test thread by join()
            self._error = exc

    def join(self, seconds: float = WAIT_SECONDS) -> Any:
        self._thread.join(seconds)
        assert not self._thread.is_alive(), "the background statement did not finish"
        try:
            if self._error is not None:
                raise self._error
            return self._result
        finally:
            self.conn.close()


class Gate:
    """Holds ACCESS EXCLUSIVE on public.test_gate while open: a refresh of
    analytics.mv_test_gated waits mid-way until the gate is released."""

    def __init__(self, url: str) -> None:
        self.conn = connect(url)

    def __enter__(self) -> Gate:
        self.conn.execute("BEGIN")
        self.conn.execute("LOCK TABLE public.test_gate IN ACCESS EXCLUSIVE MODE")
        return self

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.execute("COMMIT")
            self.conn.close()

    def __exit__(self, *exc) -> None:
        self.release()
