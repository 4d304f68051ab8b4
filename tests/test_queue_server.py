"""pgfresh.serve_queue, the queue server, called directly with short durations (fast),
with real concurrent sessions: it serves within its poll interval, one server per database,
a second exits at once, a killed server is replaced and its cut-off refresh retried."""

from __future__ import annotations

import json
import time

import psycopg
import pytest

from .conftest import connect, run_alembic
from .engine import (
    Background,
    Gate,
    add_booking,
    add_customer_and_machine,
    install_test_views,
    runs,
    wait_until,
)

POLL = "200 milliseconds"


def serve(url: str, seconds: float, **kw) -> Background:
    """A server serving for ``seconds`` in its own session."""
    return Background(url, "CALL pgfresh.serve_queue(make_interval(secs => %s))", [seconds], **kw)


def outcome(result) -> dict:
    """serve_queue's INOUT p_outcome, as returned to the client."""
    value = result[0][0]
    return value if isinstance(value, dict) else json.loads(value)


def server_pid(conn: psycopg.Connection) -> int | None:
    """The backend holding the queue server's lock, if any."""
    row = conn.execute(
        "SELECT l.pid FROM pg_locks AS l WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid = (pgfresh._queue_server_lock_key() >> 32)::oid AND l.objid = 0 AND l.objsubid = 1"
    ).fetchone()
    return row and row[0]


@pytest.fixture
def url(db):
    install_test_views(db)
    with connect(db) as conn:
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('queue_poll_interval', %s)", [POLL])
        conn.execute("CALL pgfresh.refresh_view('mv_test_gated')")
    return db


def test_a_request_is_served_within_the_poll_interval_and_idle_rounds_skip_the_queue(url):
    server = serve(url, 2.5)
    with connect(url) as conn:
        wait_until(lambda: server_pid(conn) == server.pid, "the server holds its lock")
        time.sleep(0.5)  # a few idle rounds
        conn.execute("SELECT pgfresh.request_refresh('mv_test_gated', 'test')")
        asked = time.monotonic()
        wait_until(lambda: runs(conn, "mv_test_gated")[-1] == ("success", "queue", None), "served")
        waited = time.monotonic() - asked
        served = outcome(server.join())
        assert server_pid(conn) is None
    assert waited < 0.2 + 1.0  # the poll interval, with room for a loaded machine
    assert served["status"] == "served" and served["stopped_by"] == "time"
    assert served["rounds"] >= 8 and served["busy_rounds"] == 1
    assert served["poll_interval_ms"] == 200


def test_a_second_server_exits_at_once_and_says_who_serves(url):
    first = serve(url, 2)
    with connect(url) as conn:
        wait_until(lambda: server_pid(conn) == first.pid, "the first server holds its lock")
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary))
        began = time.monotonic()
        second = outcome(conn.execute("CALL pgfresh.serve_queue('10 seconds')").fetchall())
        assert time.monotonic() - began < 1
        assert second == {"status": "busy", "holder_pid": first.pid}
        assert any("another queue server" in n for n in notices)
        # still exactly one server, and it goes on serving
        assert server_pid(conn) == first.pid
        conn.execute("SELECT pgfresh.request_refresh('mv_test_gated', 'test')")
        wait_until(lambda: runs(conn, "mv_test_gated")[-1][:2] == ("success", "queue"), "served")
        assert outcome(first.join())["status"] == "served"
        # once it has returned, the next server serves
        assert outcome(conn.execute("CALL pgfresh.serve_queue('0 seconds')").fetchall())["rounds"] == 1


def test_a_killed_server_releases_its_lock_and_the_next_one_retries_its_refresh(url):
    server = serve(url, 30)
    with connect(url) as conn:
        wait_until(lambda: server_pid(conn) == server.pid, "the server holds its lock")
        with Gate(url):
            conn.execute("SELECT pgfresh.request_refresh('mv_test_gated', 'test')")
            wait_until(lambda: runs(conn, "mv_test_gated")[-1][0] == "running", "the refresh began")
            conn.execute("SELECT pg_terminate_backend(%s)", [server.pid])
            wait_until(lambda: server_pid(conn) is None, "the killed server's lock is gone")
        with pytest.raises(psycopg.OperationalError):
            server.join()
        # the next server (the next pg_cron tick) takes over at once and retries the cut-off run
        served = outcome(conn.execute("CALL pgfresh.serve_queue('0 seconds')").fetchall())
        assert served["status"] == "served"
        assert [r[0] for r in runs(conn, "mv_test_gated")][-2:] == ["abandoned", "success"]


def test_between_rounds_the_server_holds_no_lock_but_its_own_and_no_old_snapshot(url):
    server = serve(url, 2)
    with connect(url) as conn:
        wait_until(lambda: server_pid(conn) == server.pid, "the server holds its lock")
        xmins, others = set(), []
        for _ in range(30):
            row = conn.execute("SELECT backend_xmin::text FROM pg_stat_activity WHERE pid = %s",
                               [server.pid]).fetchone()
            xmins.add(row[0] if row else None)
            others += conn.execute(
                "SELECT locktype, relation::regclass::text FROM pg_locks WHERE pid = %s "
                "AND locktype NOT IN ('advisory', 'virtualxid')", [server.pid]).fetchall()
            conn.execute("SELECT txid_current()")  # move the horizon on
            time.sleep(0.05)
        server.join()
    # Relation locks only inside a round (under a millisecond when idle): seldom sampled.
    assert len(others) <= 3, others
    # A snapshot (backend_xmin) is held only within a round (its sleep included): it moves
    # on with every round, so vacuum is never held back by more than one poll interval.
    assert len(xmins - {None}) >= 5, xmins


@pytest.mark.parametrize("setting, value, call", [
    ("queue_poll_interval", "0 seconds", "CALL pgfresh.serve_queue('1 second')"),
    (None, None, "CALL pgfresh.serve_queue('-1 second')"),
])
def test_a_zero_poll_interval_or_negative_time_is_refused(url, setting, value, call):
    with connect(url) as conn:
        if setting:
            conn.execute("UPDATE pgfresh.settings SET value = %s WHERE key = %s", [value, setting])
        with pytest.raises(psycopg.Error) as err:
            conn.execute(call)
        assert err.value.sqlstate == "PF901"
        assert server_pid(conn) is None


@pytest.mark.cron
def test_through_real_pg_cron_ticks_one_server_serves_a_booking_change_within_seconds(cluster, cron_db):
    """The one real-tick test (up to about 75 s): two jobs with the server's command start
    at the same tick; one serves, the other exits at once and logs it; a booking status
    change is visible in mv_equipment_utilization within the poll interval plus its
    refresh; pausing the queue job stops the server at its next round."""
    log_from = cluster.logfile.stat().st_size
    run_alembic(cron_db, "upgrade", "head")
    with connect(cron_db) as conn:
        user, machine = add_customer_and_machine(conn)
        booking = add_booking(conn, user, machine, "pending")
        conn.execute("CALL pgfresh.refresh_view('mv_equipment_utilization')")
        conn.execute("SELECT cron.schedule('test_queue_twin', '* * * * *', 'CALL pgfresh.serve_queue()')")
        try:
            pid = wait_until(lambda: server_pid(conn), "a tick started a server", 75)
            holders = set()
            for _ in range(10):  # through the tick's start-up: one holder only
                holders.add(server_pid(conn))
                time.sleep(0.1)
            assert holders == {pid}

            rented = ("SELECT rented_days FROM analytics.mv_equipment_utilization WHERE equipment_id = %s "
                      "AND snapshot_date = (now() AT TIME ZONE pgfresh.setting('business_timezone'))::date")
            assert conn.execute(rented, [machine]).fetchone() == (0,)
            changed = time.monotonic()
            conn.execute("UPDATE public.bookings SET status = 'confirmed' WHERE id = %s", [booking])
            wait_until(lambda: conn.execute(rented, [machine]).fetchone() == (1,), "visible", 30)
            lag = time.monotonic() - changed
            refresh = conn.execute(
                "SELECT extract(EPOCH FROM duration)::float FROM pgfresh.job_runs "
                "WHERE view_name = 'mv_equipment_utilization' AND source = 'queue' AND status = 'success' "
                "ORDER BY id DESC LIMIT 1").fetchone()[0]
            assert lag <= 2 + refresh + 1.0, (lag, refresh)  # queue_poll_interval 2 s, slack 1 s
            assert server_pid(conn) == pid

            conn.execute("SELECT cron.alter_job(jobid, active => false) FROM cron.job "
                         "WHERE jobname = 'cron_dashboard_queue'")
            wait_until(lambda: server_pid(conn) is None, "the paused job's server stops", 5)
        finally:
            conn.execute("SELECT cron.unschedule('test_queue_twin')")
    log = cluster.logfile.read_text()[log_from:].splitlines()
    lines = [json.loads(line.split("LOG:  ", 1)[1]) for line in log
             if '"event": "pgfresh.queue_server"' in line and "LOG:  " in line]
    assert any(d["status"] == "busy" and d["holder_pid"] == pid for d in lines), lines
    stopped = [d for d in lines if d["pid"] == pid and d["status"] == "served"]
    assert stopped and stopped[0]["stopped_by"] == "paused" and stopped[0]["busy_rounds"] >= 1
