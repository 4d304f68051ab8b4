"""The real-time views analytics.support_sla_live and analytics.alert_candidates_live equal
a from-scratch computation (the materialized view's own definition, run in the same
transaction, so with the same now()) at every instant: after every one of a random series of
source changes, settings changes, refreshes and pauses (hypothesis), starting from
generated sample data whose materialized views were refreshed by the engine."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgfresh import sample

from .conftest import connect, database

LIVE = {"mv_support_sla": "support_sla_live", "mv_alert_candidates": "alert_candidates_live"}
TEMPLATE = "pgfresh_tpl_live"
NONE = {"live only": [], "recompute only": [], "duplicates": []}


@pytest.fixture(scope="module")
def template(cluster, head_template):
    """Sample data (scale 0.01) with both views refreshed by the engine, as a template."""
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("America/New_York")).date()
    with database(cluster, TEMPLATE, head_template) as url:
        with connect(url) as conn:
            sample.load(conn, scale=0.01, seed=11, as_of=today)
            for view in LIVE:
                conn.execute("CALL pgfresh.refresh_view(%s)", [view])
        yield TEMPLATE


def differences(conn: psycopg.Connection, view: str) -> dict[str, list]:
    """Rows of the live view missing from a recompute now, and the reverse, in one
    REPEATABLE READ transaction (one snapshot, one now())."""
    definition = conn.execute("SELECT pg_get_viewdef(%s::regclass)", [f"analytics.{view}"]).fetchone()[0]
    definition = definition.strip().rstrip(";")
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        live = conn.execute(f"SELECT * FROM analytics.{LIVE[view]}").fetchall()  # names are constants
        full = conn.execute(f"SELECT * FROM ({definition}) AS recomputed").fetchall()
    key = repr
    live_set, full_set = sorted(map(key, live)), sorted(map(key, full))
    return {"live only": sorted(set(live_set) - set(full_set)),
            "recompute only": sorted(set(full_set) - set(live_set)),
            "duplicates": [r for r in live_set if live_set.count(r) > 1]}


def pick(conn: psycopg.Connection, query: str, k: int):
    """The k-th row (modulo their number) of ``query`` ordered by id, or None."""
    rows = conn.execute(query + " ORDER BY id").fetchall()
    return rows[k % len(rows)] if rows else None


# -- the changes -------------------------------------------------------------------------

SLA_HOURS = {"low": 72, "normal": 24, "high": 4, "urgent": 1}
PRIORITIES = list(SLA_HOURS)


def new_ticket(conn, k: int, age: int) -> None:
    """A ticket whose SLA falls due about now (age 0: 0.3 s from now; 1: 0.3 s ago), or
    created some hours or days back (age >= 2: backdated changes)."""
    priority = PRIORITIES[k % 4]
    sla = timedelta(hours=SLA_HOURS[priority])
    near = {0: sla - timedelta(seconds=0.3), 1: sla + timedelta(seconds=0.3)}
    offset = near.get(age, timedelta(hours=7 * age))
    user_id, = pick(conn, "SELECT id FROM public.users", k)
    conn.execute(
        "INSERT INTO public.support_tickets (user_id, priority, status, subject, created_at, updated_at) "
        "VALUES (%s, %s, 'open', 'help', now() - %s, now() - %s)", [user_id, priority, offset, offset])


def answer_ticket(conn, k: int, late: int) -> None:
    row = pick(conn, "SELECT id FROM public.support_tickets WHERE first_response_at IS NULL", k)
    if row:
        conn.execute("UPDATE public.support_tickets SET first_response_at = least(now(), created_at + %s), "
                     "status = 'pending', updated_at = now() WHERE id = %s",
                     [timedelta(hours=late * 5), row[0]])


def close_ticket(conn, k: int, how: int) -> None:
    row = pick(conn, "SELECT id FROM public.support_tickets WHERE status IN ('open', 'pending')", k)
    if row:
        if how % 2:
            conn.execute("UPDATE public.support_tickets SET status = 'resolved', resolved_at = now(), "
                         "updated_at = now() WHERE id = %s", [row[0]])
        else:  # closed without resolved_at, backdated a day
            conn.execute("UPDATE public.support_tickets SET status = 'closed', "
                         "updated_at = greatest(created_at, now() - interval '1 day') WHERE id = %s",
                         [row[0]])


def reprioritize(conn, k: int, p: int) -> None:
    row = pick(conn, "SELECT id FROM public.support_tickets", k)
    conn.execute("UPDATE public.support_tickets SET priority = %s WHERE id = %s", [PRIORITIES[p % 4], row[0]])


def delete_ticket(conn, k: int, _: int) -> None:
    row = pick(conn, "SELECT id FROM public.support_tickets", k)
    conn.execute("DELETE FROM public.notifications WHERE ticket_id = %s", [row[0]])
    conn.execute("DELETE FROM public.support_tickets WHERE id = %s", [row[0]])


def notify(conn, k: int, days_back: int) -> None:
    ticket = pick(conn, "SELECT id, user_id FROM public.support_tickets", k)
    conn.execute("INSERT INTO public.notifications "
                 "(user_id, ticket_id, channel, kind, status, created_at, sent_at)"
                 " VALUES (%s, %s, 'email', 'ticket_reply', 'sent', now() - %s, now() - %s)",
                 [ticket[1], ticket[0], timedelta(days=days_back), timedelta(days=days_back)])


def unsend(conn, k: int, _: int) -> None:
    row = pick(conn, "SELECT id FROM public.notifications WHERE ticket_id IS NOT NULL AND status = 'sent'", k)
    if row:
        conn.execute("UPDATE public.notifications SET status = 'failed', sent_at = NULL WHERE id = %s",
                     [row[0]])


def machine_status(conn, k: int, s: int) -> None:
    row = pick(conn, "SELECT id FROM public.equipment", k)
    conn.execute("UPDATE public.equipment SET status = %s WHERE id = %s",
                 [("available", "maintenance", "retired", "rented")[s % 4], row[0]])


def telemetry(conn, k: int, days_back: int) -> None:
    """Hours of a past day (0: today, which counts only from tomorrow) set to 0 or full (all
    the day's available hours: a row that exists may have fewer than 24, maintenance)."""
    row = pick(conn, "SELECT id FROM public.equipment", k)
    day = f"(now() AT TIME ZONE pgfresh.setting('business_timezone'))::date - {days_back % 20}"
    conn.execute(
        f"INSERT INTO public.equipment_utilization (equipment_id, usage_date, hours_used, hours_available) "
        f"VALUES (%s, {day}, %s, 24) ON CONFLICT (equipment_id, usage_date) "
        f"DO UPDATE SET hours_used = least(excluded.hours_used, equipment_utilization.hours_available)",
        [row[0], 24 if days_back % 2 else 0])


def insurance(conn, k: int, hours: int) -> None:
    """A pending document due some hours ago: around the 24 h grace and 72 h critical lines."""
    row = pick(conn, "SELECT id, user_id FROM public.bookings "
                     "WHERE status IN ('pending', 'confirmed', 'active')", k)
    if row:
        conn.execute("INSERT INTO public.insurance_documents (booking_id, user_id, status, due_at) "
                     "VALUES (%s, %s, 'pending', now() - %s)",
                     [row[0], row[1], timedelta(hours=(24, 72, 10, 100)[hours % 4], seconds=-0.3)])


def review(conn, k: int, ok: int) -> None:
    row = pick(conn, "SELECT id FROM public.insurance_documents WHERE status = 'pending'", k)
    if row:
        conn.execute("UPDATE public.insurance_documents SET status = %s, reviewed_at = now() WHERE id = %s",
                     ["approved" if ok % 2 else "rejected", row[0]])


def booking_status(conn, k: int, s: int) -> None:
    row = pick(conn, "SELECT id FROM public.bookings WHERE start_at > now() - interval '30 days'", k)
    if row:
        conn.execute("UPDATE public.bookings SET status = %s WHERE id = %s",
                     [("cancelled", "confirmed", "active", "pending")[s % 4], row[0]])


def setting(conn, k: int, v: int) -> None:
    key, values = [("sla_first_response_hours_normal", ("24", "2")),
                   ("alert_low_utilization_pct", ("10", "40")),
                   ("insurance_overdue_grace_hours", ("24", "12"))][k % 3]
    conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, values[v % 2]])


def refresh(conn, k: int, _: int) -> None:
    conn.execute("CALL pgfresh.refresh_view(%s)", [list(LIVE)[k % 2]])


def refreshed_elsewhere(conn, k: int, _: int) -> None:
    """A refresh outside the engine (or the as-of row of yesterday): the tail grows."""
    conn.execute("UPDATE pgfresh.view_as_of SET as_of = as_of - interval '1 day' WHERE view_name = %s",
                 [list(LIVE)[k % 2]])


def pause(conn, k: int, _: int) -> None:
    time.sleep((0.05, 0.35)[k % 2])  # breaches and documents fall due meanwhile


CHANGES = [new_ticket, answer_ticket, close_ticket, reprioritize, delete_ticket, notify, unsend,
           machine_status, telemetry, insurance, review, booking_status, setting, refresh,
           refreshed_elsewhere, pause]

steps = st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 50), st.integers(0, 6)),
                 min_size=1, max_size=7)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=steps)
def test_the_live_views_equal_a_recompute_after_every_change(cluster, template, steps):
    with database(cluster, f"t_{uuid.uuid4().hex[:10]}", template) as url, connect(url) as conn:
        for view in LIVE:
            assert differences(conn, view) == NONE
        for change, k, n in steps:
            change(conn, k, n)
            for view in LIVE:
                assert differences(conn, view) == NONE, (view, change.__name__)


def test_a_new_ticket_and_its_breach_show_on_the_next_read_without_a_refresh(cluster, template):
    with database(cluster, f"t_{uuid.uuid4().hex[:10]}", template) as url, connect(url) as conn:
        today = "(now() AT TIME ZONE pgfresh.setting('business_timezone'))::date"
        before = conn.execute(f"SELECT tickets_created, sla_breaches FROM analytics.support_sla_live "
                              f"WHERE bucket_date = {today}").fetchone()
        user_id, = pick(conn, "SELECT id FROM public.users", 0)
        ticket = conn.execute(
            "INSERT INTO public.support_tickets (user_id, priority, subject, created_at) "
            "VALUES (%s, 'urgent', 'down', now() - interval '1 hour' + interval '0.5 seconds') "
            "RETURNING id",
            [user_id]).fetchone()[0]
        after = conn.execute(f"SELECT tickets_created, sla_breaches FROM analytics.support_sla_live "
                             f"WHERE bucket_date = {today}").fetchone()
        assert after[0] == before[0] + 1
        alert = "SELECT severity FROM analytics.alert_candidates_live WHERE entity_id = %s"
        assert conn.execute(alert, [ticket]).fetchone() is None
        time.sleep(0.6)  # its one-hour SLA runs out: a breach, with no refresh in between
        assert conn.execute(alert, [ticket]).fetchone() == ("warning",)
        assert conn.execute("SELECT count(*) FROM analytics.mv_alert_candidates WHERE entity_id = %s",
                            [ticket]).fetchone() == (0,)
        # the dashboards' role reads the live views and nothing behind them
        conn.execute("SET ROLE dashboard_reader")
        for live in LIVE.values():
            assert conn.execute(f"SELECT count(*) > 0 FROM analytics.{live}").fetchone() == (True,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM pgfresh.tail_changes")
        conn.execute("RESET ROLE")
