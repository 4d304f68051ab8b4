"""The incremental analytics.mv_dashboard_kpis.

The property: after any batch of inserts, updates (statuses, amounts, dates moved across
days, months and the DST days), deletes and late backdated rows of its five sources, an
incremental refresh leaves the table equal, row for row, to a from-scratch computation of
the same definition (pgfresh.mv_dashboard_kpis_rows()). Then: a change rewrites only the
days its rule dirties (counts: D, D + 1, D + 7; balances: D onward), verification finds a
damaged day, a settings change rebuilds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import connect

VIEW = "mv_dashboard_kpis"
TZ = ZoneInfo("America/New_York")
SOURCES = ("insurance_documents", "payment_schedules", "payments", "bookings", "equipment_utilization")
FIRST = 300  # the fleet's first events, days ago

DIFF_SQL = """
SELECT 'stored' AS side, * FROM (TABLE analytics.mv_dashboard_kpis
                                 EXCEPT ALL SELECT * FROM pgfresh.mv_dashboard_kpis_rows()) AS a
UNION ALL
SELECT 'computed', * FROM (SELECT * FROM pgfresh.mv_dashboard_kpis_rows()
                           EXCEPT ALL TABLE analytics.mv_dashboard_kpis) AS b
ORDER BY 2, 1
LIMIT 6
"""


def _today() -> date:
    return datetime.now(TZ).date()


def _anchor_days() -> list[date]:
    """Local days where mistakes hide: today and the days before it (growth), month
    starts, the DST days of the last 400 days, the first day of the calendar, a day before
    it (a backdated row moves it) and tomorrow (a future row extends it)."""
    today = _today()
    month = today.replace(day=1)
    days = [
        today,
        today - timedelta(days=1),
        today - timedelta(days=7),
        today - timedelta(days=8),
        today - timedelta(days=30),
        month,
        month - timedelta(days=1),
        today - timedelta(days=FIRST),
        today - timedelta(days=FIRST + 20),
        today + timedelta(days=1),
    ]
    for n in range(400):
        d = today - timedelta(days=n)
        noon = datetime(d.year, d.month, d.day, 12, tzinfo=TZ)
        if noon.utcoffset() != (noon - timedelta(days=1)).utcoffset():
            days.append(d)
    return days


ANCHORS = _anchor_days()


def _at(anchor: int, hours: int) -> datetime:
    d = ANCHORS[anchor % len(ANCHORS)]
    return datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(hours=hours)


anchor = st.integers(0, len(ANCHORS) - 1)
hours = st.integers(-30, 30)
pick = st.integers(0, 1000)
cents = st.integers(1, 500_00)

# Each operation: its SQL, and how its parameters come from the drawn values (the row
# picked by `pick` of the table it names; instants from (anchor, hours) pairs).
OPERATIONS = {
    "booking": (
        "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount, "
        "created_at) VALUES (%(user)s, %(machine)s, %(status)s, %(t1)s, %(t1)s + %(n)s * interval '1 hour', "
        "100, %(t2)s)",
        st.sampled_from(["pending", "confirmed", "active", "completed", "cancelled"]),
    ),
    "booking_status": (
        "UPDATE public.bookings SET status = %(status)s WHERE id = %(bookings)s",
        st.sampled_from(["confirmed", "completed", "cancelled", "no_show"]),
    ),
    "booking_move": (
        "UPDATE public.bookings SET end_at = %(t1)s + (end_at - start_at), start_at = %(t1)s "
        "WHERE id = %(bookings)s",
        st.none(),
    ),
    "booking_created": ("UPDATE public.bookings SET created_at = %(t2)s WHERE id = %(bookings)s", st.none()),
    "booking_delete": (
        "DELETE FROM public.bookings AS b WHERE b.id = %(bookings)s AND NOT EXISTS "
        "(SELECT FROM public.payments AS p WHERE p.booking_id = b.id) AND NOT EXISTS "
        "(SELECT FROM public.payment_schedules AS s WHERE s.booking_id = b.id) AND NOT EXISTS "
        "(SELECT FROM public.insurance_documents AS i WHERE i.booking_id = b.id)",
        st.none(),
    ),
    "payment": (
        "INSERT INTO public.payments (booking_id, user_id, kind, status, amount, paid_at, created_at) "
        "VALUES (%(bookings)s, %(user)s, %(status)s, 'succeeded', %(amount)s, %(t1)s, %(t2)s)",
        st.sampled_from(["deposit", "balance"]),
    ),
    "payment_failed": (
        "INSERT INTO public.payments (booking_id, user_id, kind, status, amount, created_at) "
        "VALUES (%(bookings)s, %(user)s, 'deposit', %(status)s, %(amount)s, %(t2)s)",
        st.sampled_from(["pending", "failed"]),
    ),
    "refund": (
        "INSERT INTO public.payments (booking_id, user_id, kind, status, amount, paid_at, refund_of) "
        "SELECT p.booking_id, p.user_id, 'refund', 'succeeded', %(amount)s, %(t1)s, p.id "
        "FROM public.payments AS p WHERE p.id = %(payments)s AND p.kind <> 'refund'",
        st.none(),
    ),
    "payment_amount": ("UPDATE public.payments SET amount = %(amount)s WHERE id = %(payments)s", st.none()),
    "payment_move": (
        "UPDATE public.payments SET paid_at = %(t1)s WHERE id = %(payments)s AND paid_at IS NOT NULL",
        st.none(),
    ),
    "payment_status": (
        "UPDATE public.payments SET status = %(status)s, paid_at = CASE %(status)s "
        "WHEN 'succeeded' THEN coalesce(paid_at, %(t1)s) END WHERE id = %(payments)s",
        st.sampled_from(["succeeded", "failed"]),
    ),
    "payment_delete": (
        "DELETE FROM public.payments WHERE id = %(payments)s OR refund_of = %(payments)s",
        st.none(),
    ),
    "telemetry": (
        "INSERT INTO public.equipment_utilization (equipment_id, usage_date, hours_used, hours_available) "
        "VALUES (%(machine)s, %(t1)s::timestamptz::date, %(n)s %% 13, 12) "
        "ON CONFLICT (equipment_id, usage_date) DO UPDATE SET hours_used = excluded.hours_used",
        st.none(),
    ),
    "telemetry_delete": (
        "DELETE FROM public.equipment_utilization WHERE id = %(equipment_utilization)s",
        st.none(),
    ),
    "installment": (
        "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, created_at, due_at, "
        "status, paid_at) VALUES (%(bookings)s, 'balance', %(amount)s, %(t2)s, %(t1)s, %(status)s, "
        "CASE %(status)s WHEN 'paid' THEN %(t3)s END)",
        st.sampled_from(["scheduled", "overdue", "paid", "cancelled"]),
    ),
    "installment_pay": (
        "UPDATE public.payment_schedules SET status = 'paid', paid_at = %(t3)s "
        "WHERE id = %(payment_schedules)s",
        st.none(),
    ),
    "installment_status": (
        "UPDATE public.payment_schedules SET status = %(status)s, paid_at = NULL "
        "WHERE id = %(payment_schedules)s",
        st.sampled_from(["scheduled", "cancelled"]),
    ),
    "installment_due": (
        "UPDATE public.payment_schedules SET due_at = %(t1)s WHERE id = %(payment_schedules)s",
        st.none(),
    ),
    "installment_amount": (
        "UPDATE public.payment_schedules SET amount_due = %(amount)s WHERE id = %(payment_schedules)s",
        st.none(),
    ),
    "installment_delete": (
        "DELETE FROM public.payment_schedules WHERE id = %(payment_schedules)s",
        st.none(),
    ),
    "insurance": (
        "INSERT INTO public.insurance_documents (booking_id, user_id, status, submitted_at, due_at, "
        "reviewed_at) VALUES (%(bookings)s, %(user)s, %(status)s, %(t2)s, %(t1)s, "
        "CASE WHEN %(status)s IN ('approved', 'rejected') THEN %(t3)s END)",
        st.sampled_from(["pending", "approved", "rejected", "expired"]),
    ),
    "insurance_review": (
        "UPDATE public.insurance_documents SET status = %(status)s, reviewed_at = %(t3)s "
        "WHERE id = %(insurance_documents)s",
        st.sampled_from(["approved", "rejected"]),
    ),
    "insurance_reopen": (
        "UPDATE public.insurance_documents SET status = %(status)s, reviewed_at = NULL "
        "WHERE id = %(insurance_documents)s",
        st.sampled_from(["pending", "expired"]),
    ),
    "insurance_due": (
        "UPDATE public.insurance_documents SET due_at = %(t1)s, submitted_at = %(t2)s "
        "WHERE id = %(insurance_documents)s",
        st.none(),
    ),
    "insurance_delete": (
        "DELETE FROM public.insurance_documents WHERE id = %(insurance_documents)s",
        st.none(),
    ),
}

operation = st.tuples(st.sampled_from(sorted(OPERATIONS)), st.data())


def _nth(conn, table: str, n: int):
    """The id of row n (modulo the count) of a source table, or None when it is empty."""
    ids = [r[0] for r in conn.execute(f"SELECT id FROM public.{table} ORDER BY id")]  # table: a constant
    return ids[n % len(ids)] if ids else None


def _apply(conn, name: str, draw, fleet: dict) -> str:
    sql, choice = OPERATIONS[name]
    params = {
        "status": draw(choice),
        "user": fleet["users"][draw(st.integers(0, 1))],
        "machine": fleet["machines"][draw(st.integers(0, 1))],
        "n": draw(st.integers(1, 24 * 20)),
        "amount": draw(cents) / 100,
    }
    for i in (1, 2, 3):
        params[f"t{i}"] = _at(draw(anchor), draw(hours))
    for table in SOURCES:
        if f"%({table})s" in sql:
            params[table] = _nth(conn, table, draw(pick))
    conn.execute(sql, params)
    return f"{name} {params}"


def _refresh(conn, full: bool = False) -> None:
    run = conn.execute(
        "SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', %s)", [VIEW, full]
    ).fetchone()
    assert run[0] == "success", run


def _differences(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(DIFF_SQL)]


def _fleet(conn) -> dict:
    """Two customers and machines, and a booking with a payment, an installment, an
    insurance document and telemetry on the calendar's first day and a few days after;
    the table rebuilt in full."""
    users = [
        r[0]
        for r in conn.execute(
            "INSERT INTO public.users (email, full_name) SELECT 'u' || i || '@example.com', 'U' "
            "FROM generate_series(1, 2) AS i RETURNING id"
        )
    ]
    machines = [
        r[0]
        for r in conn.execute(
            "INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
            "SELECT 'machine ' || i, 'lift', 100, '2020-01-01' FROM generate_series(1, 2) AS i RETURNING id"
        )
    ]
    first = datetime.combine(_today() - timedelta(days=FIRST), datetime.min.time(), TZ)
    for n, days in enumerate((0, 40, 150, 280)):
        at = first + timedelta(days=days, hours=10)
        booking = conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount, "
            "created_at) VALUES (%s, %s, 'confirmed', %s, %s, 100, %s) RETURNING id",
            [users[n % 2], machines[n % 2], at + timedelta(days=1), at + timedelta(days=4), at],
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO public.payments (booking_id, user_id, kind, status, amount, paid_at, created_at) "
            "VALUES (%s, %s, 'deposit', 'succeeded', 40, %s, %s)",
            [booking, users[n % 2], at, at],
        )
        conn.execute(
            "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, created_at, due_at) "
            "VALUES (%s, 'balance', 60, %s, %s)",
            [booking, at, at + timedelta(days=3)],
        )
        conn.execute(
            "INSERT INTO public.insurance_documents (booking_id, user_id, submitted_at, due_at) "
            "VALUES (%s, %s, %s, %s)",
            [booking, users[n % 2], at, at + timedelta(days=2)],
        )
        conn.execute(
            "INSERT INTO public.equipment_utilization (equipment_id, usage_date, hours_used, "
            "hours_available) VALUES (%s, %s, 6, 12)",
            [machines[n % 2], (at + timedelta(days=1)).date()],
        )
    _refresh(conn, full=True)
    return {"users": users, "machines": machines}


def _clean(conn) -> None:
    conn.execute(
        "TRUNCATE public.insurance_documents, public.payment_schedules, public.payments, "
        "public.bookings, public.equipment_utilization, public.equipment, public.users CASCADE"
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(operation, min_size=1, max_size=6), min_size=1, max_size=4))
def test_incremental_refresh_equals_a_full_computation_after_any_changes(db, batches):
    with connect(db) as conn:
        _clean(conn)
        fleet = _fleet(conn)
        assert _differences(conn) == []
        for batch in batches:
            done = []
            with conn.transaction():
                for name, data in batch:
                    done.append(_apply(conn, name, data.draw, fleet))
            _refresh(conn)
            assert _differences(conn) == [], done


def _xmins(conn) -> dict[date, str]:
    return dict(conn.execute("SELECT snapshot_date, xmin::text FROM analytics.mv_dashboard_kpis").fetchall())


def _rewritten(conn, change: str, params: list) -> set[date]:
    before = _xmins(conn)
    conn.execute(change, params)
    _refresh(conn)
    after = _xmins(conn)
    assert before.keys() == after.keys()
    assert _differences(conn) == []
    return {d for d in after if after[d] != before[d]}


def test_a_change_rewrites_only_the_days_its_rule_dirties(db):
    with connect(db) as conn:
        fleet = _fleet(conn)
        today = _today()
        day = today - timedelta(days=60)
        noon = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=11)
        # A booking created and on rent on day D (11:00-14:00): counts of D (bookings, active
        # customers) and the growth of D + 1 and D + 7; the capture's days are D +- 1 (the
        # UTC day widened), so at most those and their next day and week.
        rewritten = _rewritten(
            conn,
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, "
            "end_at, total_amount, created_at) VALUES (%s, %s, 'completed', %s, %s, 10, %s)",
            [fleet["users"][0], fleet["machines"][0], noon, noon + timedelta(hours=3), noon],
        )
        one = timedelta(days=1)
        assert {day, day + one, day + 7 * one} <= rewritten
        assert rewritten <= {d + timedelta(days=n) for d in (day - one, day, day + one) for n in (0, 1, 7)}
        # A payment's revenue: the same rule.
        booking = conn.execute("SELECT id FROM public.bookings ORDER BY created_at DESC LIMIT 1").fetchone()[
            0
        ]
        rewritten = _rewritten(
            conn,
            "INSERT INTO public.payments (booking_id, user_id, kind, status, amount, "
            "paid_at, created_at) VALUES (%s, %s, 'balance', 'succeeded', 10, %s, %s)",
            [booking, fleet["users"][0], noon, noon],
        )
        assert {day, day + one, day + 7 * one} <= rewritten
        assert rewritten <= {d + timedelta(days=n) for d in (day - one, day, day + one) for n in (0, 1, 7)}
        # An installment created on D, due D + 2: balances from D onward, nothing before D - 1.
        rewritten = _rewritten(
            conn,
            "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, "
            "created_at, due_at) VALUES (%s, 'balance', 25, %s, %s)",
            [booking, noon, noon + 2 * one],
        )
        assert {day + timedelta(days=n) for n in range((today - day).days + 1)} <= rewritten
        assert min(rewritten) >= day - one
        # An insurance document reviewed on D: the same.
        rewritten = _rewritten(
            conn,
            "UPDATE public.insurance_documents SET status = 'approved', reviewed_at = %s "
            "WHERE id = (SELECT id FROM public.insurance_documents ORDER BY submitted_at "
            "DESC LIMIT 1)",
            [noon],
        )
        assert min(rewritten) >= day - one and today in rewritten
        # Telemetry of D: D, D + 1, D + 7 exactly (usage_date is a local day).
        rewritten = _rewritten(
            conn,
            "INSERT INTO public.equipment_utilization (equipment_id, usage_date, "
            "hours_used, hours_available) VALUES (%s, %s, 1, 12)",
            [fleet["machines"][1], day],
        )
        assert rewritten == {day, day + one, day + 7 * one}


def test_verification_finds_a_damaged_day_and_a_settings_change_rebuilds(db):
    with connect(db) as conn:
        _fleet(conn)
        days = conn.execute(
            "SELECT snapshot_date, stored, computed, differing "
            "FROM pgfresh.verify_incremental('mv_dashboard_kpis', 4)"
        ).fetchall()
        assert len(days) == 4 and _today() in [d[0] for d in days]
        assert all(d[1] == d[2] == 1 and d[3] == 0 for d in days)
        conn.execute(
            "UPDATE analytics.mv_dashboard_kpis SET alerts = alerts || '{\"low_utilization\": true}' "
            "WHERE snapshot_date = %s",
            [_today() - timedelta(days=1)],
        )
        assert (
            conn.execute(
                "SELECT sum(differing) FROM pgfresh.verify_incremental('mv_dashboard_kpis', 2)"
            ).fetchone()[0]
            == 2
        )
        conn.execute("CALL pgfresh.verify_incremental_views(2)")
        assert _differences(conn) == []
        # a threshold moves every day's alerts: everything, rebuilt whole
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('kpi_low_utilization_pct', '99')")
        _refresh(conn)
        assert _differences(conn) == []
        assert (
            conn.execute(
                "SELECT count(*) FROM analytics.mv_dashboard_kpis "
                "WHERE alerts @> '{\"low_utilization\": true}'"
            ).fetchone()[0]
            > 0
        )
