"""The incremental analytics.mv_revenue_trends and analytics.mv_booking_trends.

The property: after any batch of inserts, updates (amounts, statuses, kinds, instants moved
across days, months and the DST days, into the past before the first row and into the
future), deletes and late backdated rows of their sources, an incremental refresh leaves
each table equal, row for row, to a from-scratch computation of the same definition
(pgfresh.<view>_rows(NULL)). Then: a change on day D rewrites only the days its rule says
(by xmin), the verification compares sampled days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import connect

TZ = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")

DIFF_SQL = """
SELECT 'stored' AS side, * FROM (TABLE analytics.{view} EXCEPT ALL SELECT * FROM pgfresh.{view}_rows()) AS a
UNION ALL
SELECT 'computed', * FROM (SELECT * FROM pgfresh.{view}_rows() EXCEPT ALL TABLE analytics.{view}) AS b
ORDER BY 2, 1
LIMIT 10
"""


def _today() -> date:
    return datetime.now(TZ).date()


def _anchor_days() -> list[date]:
    """Local days where mistakes hide: today, yesterday, tomorrow (a future day beyond the
    calendar), month starts, the DST days of the last 400 days, long ago."""
    today = _today()
    month = today.replace(day=1)
    days = [today, today - timedelta(days=1), today + timedelta(days=1), month, month - timedelta(days=1),
            today - timedelta(days=399), today - timedelta(days=200), today - timedelta(days=30)]
    for n in range(400):
        d = today - timedelta(days=n)
        noon = datetime(d.year, d.month, d.day, 12, tzinfo=TZ)
        if noon.utcoffset() != (noon - timedelta(days=1)).utcoffset():
            days.append(d)
    return days


ANCHORS = _anchor_days()


def _instant(anchor: int, minutes: int) -> datetime:
    """A local day's midnight plus minutes (-36 h .. +36 h: across midnights and DST hours)."""
    d = ANCHORS[anchor % len(ANCHORS)]
    return datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(minutes=minutes)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=TZ)


def _nth(conn, table: str, n: int):
    """The id of row n (modulo the count) of a source table, or None when it is empty."""
    ids = [r[0] for r in conn.execute(f"SELECT id FROM public.{table} ORDER BY id")]  # table: a constant
    return ids[n % len(ids)] if ids else None


def _refresh(conn, view: str, full: bool = False) -> None:
    run = conn.execute("SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', %s)",
                       [view, full]).fetchone()
    assert run[0] == "success", run


def _differences(conn, view: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(DIFF_SQL.format(view=view))]  # view: a constant


def _xmins(conn, view: str) -> dict:
    rows = conn.execute(f"SELECT bucket_date, xmin::text FROM analytics.{view}")  # view: a constant
    return dict(rows.fetchall())


def _rewritten(before: dict, after: dict) -> list[date]:
    assert before.keys() == after.keys()
    return sorted(k for k in after if after[k] != before[k])


def _book(conn, user_id, machine, created, start, end, status="confirmed", cancelled=None):
    return conn.execute(
        "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount, "
        "created_at, cancelled_at) VALUES (%s, %s, %s, %s, %s, 100, %s, %s) RETURNING id",
        [user_id, machine, status, start, end, created, cancelled]).fetchone()[0]


def _pay(conn, booking, user_id, paid, kind="balance", status="succeeded", amount=10, created=None,
         refund_of=None):
    """A payment, created when it was paid unless said otherwise (now when not paid)."""
    return conn.execute(
        "INSERT INTO public.payments (booking_id, user_id, kind, method, status, amount, refund_of, "
        "paid_at, created_at) VALUES (%s, %s, %s, 'manual', %s, %s, %s, %s, coalesce(%s, %s, now())) "
        "RETURNING id",
        [booking, user_id, kind, status, amount, refund_of, paid, created, paid]).fetchone()[0]


def _customer(conn) -> tuple:
    """A customer, a machine and one booking of theirs (what payments hang on)."""
    user_id = conn.execute("INSERT INTO public.users (email, full_name) VALUES ('t@example.com', 'T') "
                           "RETURNING id").fetchone()[0]
    machine = conn.execute("INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
                           "VALUES ('m', 'lift', 100, '2020-01-01') RETURNING id").fetchone()[0]
    booking = _book(conn, user_id, machine, _instant(0, 300), _instant(0, 600), _instant(0, 3000))
    return user_id, machine, booking


# -- mv_revenue_trends -----------------------------------------------------------------

REVENUE = "mv_revenue_trends"
anchor = st.integers(0, len(ANCHORS) - 1)
minutes = st.integers(-36 * 60, 36 * 60)
pick = st.integers(0, 1000)
cents = st.integers(1, 500_00)

payment_op = st.one_of(
    st.tuples(st.just("pay"), st.sampled_from(["deposit", "balance", "refund"]),
              st.sampled_from(["succeeded", "succeeded", "pending", "failed"]), anchor, minutes, cents),
    st.tuples(st.just("pay_many"), st.lists(st.tuples(anchor, minutes, cents), min_size=2, max_size=5)),
    st.tuples(st.just("pay_status"), pick, st.sampled_from(["succeeded", "pending", "failed"]), anchor,
              minutes),
    st.tuples(st.just("pay_amount"), pick, cents),
    st.tuples(st.just("pay_kind"), pick, st.sampled_from(["deposit", "balance"])),
    st.tuples(st.just("pay_move"), pick, anchor, minutes),
    st.tuples(st.just("pay_shift"), pick, st.integers(-45 * 24, 45 * 24)),
    st.tuples(st.just("pay_delete"), pick),
    st.tuples(st.just("due"), st.sampled_from(["scheduled", "overdue", "cancelled", "paid"]), anchor, minutes,
              cents),
    st.tuples(st.just("due_many"), st.lists(st.tuples(anchor, minutes, cents), min_size=2, max_size=4)),
    st.tuples(st.just("due_move"), pick, anchor, minutes),
    st.tuples(st.just("due_status"), pick, st.sampled_from(["scheduled", "overdue", "cancelled"])),
    st.tuples(st.just("due_amount"), pick, st.integers(0, 500_00)),
    st.tuples(st.just("due_delete"), pick),
)


def _apply_payment_op(conn, op: tuple, user_id, booking) -> None:
    kind = op[0]
    if kind == "pay":
        _, pay_kind, status, a, m, amount = op
        paid = _instant(a, m) if status == "succeeded" else None
        refund_of = conn.execute("SELECT id FROM public.payments WHERE kind <> 'refund' LIMIT 1").fetchone()
        if pay_kind == "refund" and refund_of is None:
            pay_kind = "deposit"
        _pay(conn, booking, user_id, paid, pay_kind, status, amount / 100,
             refund_of=refund_of[0] if pay_kind == "refund" else None)
    elif kind == "pay_many":
        rows = [(_instant(a, m), amount / 100) for a, m, amount in op[1]]
        conn.execute(
            "INSERT INTO public.payments (booking_id, user_id, kind, method, status, amount, paid_at, "
            "created_at) SELECT %s, %s, 'balance', 'manual', 'succeeded', r.amount, r.at, r.at "
            "FROM unnest(%s::timestamptz[], %s::numeric[]) AS r (at, amount)",
            [booking, user_id, [r[0] for r in rows], [r[1] for r in rows]])
    elif kind == "due":
        _, status, a, m, amount = op
        due = _instant(a, m)
        conn.execute(
            "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, due_at, status, paid_at, "
            "created_at) VALUES (%s, 'balance', %s, %s, %s, %s, %s)",
            [booking, amount / 100, due, status, due if status == "paid" else None, due - timedelta(days=3)])
    elif kind == "due_many":
        rows = [(_instant(a, m), amount / 100) for a, m, amount in op[1]]
        conn.execute(
            "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, due_at, created_at) "
            "SELECT %s, 'deposit', r.amount, r.at, r.at - interval '1 day' "
            "FROM unnest(%s::timestamptz[], %s::numeric[]) AS r (at, amount)",
            [booking, [r[0] for r in rows], [r[1] for r in rows]])
    elif kind.startswith("pay_"):
        payment = _nth(conn, "payments", op[1])
        if payment is None:
            return
        if kind == "pay_status":
            _, _, status, a, m = op
            conn.execute("UPDATE public.payments SET status = %s, paid_at = %s WHERE id = %s",
                         [status, _instant(a, m) if status == "succeeded" else None, payment])
        elif kind == "pay_amount":
            conn.execute("UPDATE public.payments SET amount = %s WHERE id = %s", [op[2] / 100, payment])
        elif kind == "pay_kind":
            conn.execute("UPDATE public.payments SET kind = %s WHERE id = %s AND kind <> 'refund'",
                         [op[2], payment])
        elif kind == "pay_move":
            conn.execute("UPDATE public.payments SET paid_at = %s WHERE id = %s AND paid_at IS NOT NULL",
                         [_instant(op[2], op[3]), payment])
        elif kind == "pay_shift":
            conn.execute("UPDATE public.payments SET paid_at = paid_at + %s * interval '1 hour' "
                         "WHERE id = %s", [op[2], payment])
        else:
            conn.execute("DELETE FROM public.payments WHERE id = %s "
                         "AND NOT EXISTS (SELECT FROM public.payments AS r WHERE r.refund_of = %s)",
                         [payment, payment])
    else:
        installment = _nth(conn, "payment_schedules", op[1])
        if installment is None:
            return
        if kind == "due_move":
            conn.execute("UPDATE public.payment_schedules SET due_at = %s WHERE id = %s",
                         [_instant(op[2], op[3]), installment])
        elif kind == "due_status":
            conn.execute("UPDATE public.payment_schedules SET status = %s, paid_at = NULL WHERE id = %s",
                         [op[2], installment])
        elif kind == "due_amount":
            conn.execute("UPDATE public.payment_schedules SET amount_due = %s WHERE id = %s",
                         [op[2] / 100, installment])
        else:
            conn.execute("DELETE FROM public.payment_schedules WHERE id = %s", [installment])


def _revenue_start(conn) -> tuple:
    """A customer with a few payments and installments; the table rebuilt in full."""
    user_id, _, booking = _customer(conn)
    for op in [("pay", "deposit", "succeeded", 6, 600, 100_00),
               ("pay", "balance", "succeeded", 1, 1200, 400_00),
               ("pay", "refund", "succeeded", 0, 900, 50_00),
               ("due", "scheduled", 7, 600, 200_00),
               ("due", "paid", 2, 600, 300_00)]:
        _apply_payment_op(conn, op, user_id, booking)
    _refresh(conn, REVENUE, full=True)
    return user_id, booking


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(payment_op, min_size=1, max_size=6), min_size=1, max_size=4))
def test_revenue_trends_incremental_refresh_equals_a_full_computation_after_any_changes(db, batches):
    with connect(db) as conn:
        conn.execute("TRUNCATE public.payments, public.payment_schedules, public.bookings, public.equipment, "
                     "public.users CASCADE")
        user_id, booking = _revenue_start(conn)
        assert _differences(conn, REVENUE) == []
        for batch in batches:
            with conn.transaction():
                for op in batch:
                    _apply_payment_op(conn, op, user_id, booking)
            _refresh(conn, REVENUE)
            assert _differences(conn, REVENUE) == [], batch


def test_a_payment_change_rewrites_only_its_days(db):
    with connect(db) as conn:
        user_id, booking = _revenue_start(conn)
        paid = _noon(_today() - timedelta(days=20))
        payment = _pay(conn, booking, user_id, paid)
        _refresh(conn, REVENUE)
        before = _xmins(conn, REVENUE)
        conn.execute("UPDATE public.payments SET amount = 20 WHERE id = %s", [payment])
        _refresh(conn, REVENUE)
        rewritten = _rewritten(before, _xmins(conn, REVENUE))
        # the capture's UTC day of paid_at (= created_at), widened by one day on each side
        utc_day = paid.astimezone(UTC).date()
        assert paid.date() in rewritten
        assert set(rewritten) <= {utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)}
        assert _differences(conn, REVENUE) == []
        # an installment: its due day's neighbourhood only, too
        before = _xmins(conn, REVENUE)
        conn.execute("UPDATE public.payment_schedules SET amount_due = amount_due + 1 "
                     "WHERE id = (SELECT id FROM public.payment_schedules WHERE status = 'scheduled')")
        _refresh(conn, REVENUE)
        assert 1 <= len(_rewritten(before, _xmins(conn, REVENUE))) <= 6
        # nothing changed: nothing rewritten
        before = _xmins(conn, REVENUE)
        _refresh(conn, REVENUE)
        assert _rewritten(before, _xmins(conn, REVENUE)) == []


def test_revenue_calendar_grows_and_shrinks_with_its_first_payment(db):
    with connect(db) as conn:
        user_id, booking = _revenue_start(conn)
        old = _today() - timedelta(days=600)
        paid = datetime.combine(old, datetime.min.time(), TZ) + timedelta(hours=23, minutes=30)
        payment = _pay(conn, booking, user_id, paid, "deposit", created=datetime.now(TZ))
        _refresh(conn, REVENUE)
        assert conn.execute("SELECT min(bucket_date) FROM analytics.mv_revenue_trends").fetchone()[0] == old
        assert _differences(conn, REVENUE) == []
        conn.execute("DELETE FROM public.payments WHERE id = %s", [payment])
        _refresh(conn, REVENUE)
        assert conn.execute("SELECT min(bucket_date) FROM analytics.mv_revenue_trends").fetchone()[0] > old
        assert _differences(conn, REVENUE) == []


def test_a_time_zone_change_rebuilds_and_verification_finds_a_damaged_day(db):
    with connect(db) as conn:
        _revenue_start(conn)
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('business_timezone', 'Asia/Tokyo')")
        _refresh(conn, REVENUE)
        assert _differences(conn, REVENUE) == []
        days = conn.execute("SELECT snapshot_date, stored, computed, differing "
                            "FROM pgfresh.verify_incremental('mv_revenue_trends', 4)").fetchall()
        assert len(days) == 4 and all(d[1] == d[2] == 1 and d[3] == 0 for d in days)
        conn.execute("UPDATE analytics.mv_revenue_trends SET refunds = refunds + 1 WHERE bucket_date = "
                     "(SELECT max(bucket_date) FROM analytics.mv_revenue_trends WHERE bucket_date <= "
                     "(now() AT TIME ZONE 'Asia/Tokyo')::date)")
        assert conn.execute("SELECT sum(differing) FROM pgfresh.verify_incremental('mv_revenue_trends', 2)"
                            ).fetchone()[0] == 2
        conn.execute("CALL pgfresh.verify_incremental_views(2)")
        assert _differences(conn, REVENUE) == []


# -- mv_booking_trends -----------------------------------------------------------------

BOOKINGS = "mv_booking_trends"
STATUSES = ("pending", "confirmed", "active", "completed", "cancelled", "no_show")
DOC_STATUSES = ("pending", "approved", "rejected", "expired")

booking_op = st.one_of(
    st.tuples(st.just("book"), st.sampled_from(STATUSES), anchor, minutes, st.integers(0, 20)),
    st.tuples(st.just("book_many"), st.lists(st.tuples(anchor, minutes), min_size=2, max_size=5)),
    st.tuples(st.just("status"), pick, st.sampled_from(STATUSES)),
    st.tuples(st.just("status"), pick, st.sampled_from(STATUSES)),
    st.tuples(st.just("cancel"), pick, anchor, minutes),
    st.tuples(st.just("cancel"), pick, anchor, minutes),
    st.tuples(st.just("uncancel"), pick),
    st.tuples(st.just("created"), pick, anchor, minutes),
    st.tuples(st.just("created_shift"), pick, st.integers(-45 * 24, 45 * 24)),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("doc"), pick, st.sampled_from(DOC_STATUSES), anchor, minutes),
    st.tuples(st.just("doc_status"), pick, st.sampled_from(DOC_STATUSES)),
    st.tuples(st.just("doc_delete"), pick),
)


def _apply_booking_op(conn, op: tuple, user_id, machine) -> None:
    kind = op[0]
    if kind == "book":
        _, status, a, m, days_ahead = op
        created = _instant(a, m)
        start = created + timedelta(days=days_ahead)
        cancelled = created + timedelta(hours=days_ahead) if status == "cancelled" else None
        _book(conn, user_id, machine, created, start, start + timedelta(days=2), status, cancelled)
    elif kind == "book_many":
        created = [_instant(a, m) for a, m in op[1]]
        conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount, "
            "created_at) SELECT %s, %s, 'confirmed', r.at + interval '1 day', r.at + interval '2 days', "
            "100, r.at "
            "FROM unnest(%s::timestamptz[]) AS r (at)", [user_id, machine, created])
    elif kind.startswith("doc_"):
        doc = _nth(conn, "insurance_documents", op[1])
        if doc is None:
            return
        if kind == "doc_status":
            conn.execute("UPDATE public.insurance_documents SET status = %s, reviewed_at = now() "
                         "WHERE id = %s", [op[2], doc])
        else:
            conn.execute("DELETE FROM public.insurance_documents WHERE id = %s", [doc])
    else:
        booking = _nth(conn, "bookings", op[1])
        if booking is None:
            return
        if kind == "doc":
            _, _, status, a, m = op
            conn.execute(
                "INSERT INTO public.insurance_documents (booking_id, user_id, status, submitted_at, due_at, "
                "reviewed_at, created_at) VALUES (%s, %s, %s, %s, %s + interval '3 days', %s, %s)",
                [booking, user_id, status, _instant(a, m), _instant(a, m),
                 None if status == "pending" else _instant(a, m + 60), _instant(a, m)])
        elif kind == "status":
            conn.execute("UPDATE public.bookings SET status = %s WHERE id = %s", [op[2], booking])
        elif kind == "cancel":
            conn.execute("UPDATE public.bookings SET status = 'cancelled', cancelled_at = %s WHERE id = %s",
                         [_instant(op[2], op[3]), booking])
        elif kind == "uncancel":
            conn.execute("UPDATE public.bookings SET status = 'confirmed', cancelled_at = NULL WHERE id = %s",
                         [booking])
        elif kind == "created":
            conn.execute("UPDATE public.bookings SET created_at = %s WHERE id = %s",
                         [_instant(op[2], op[3]), booking])
        elif kind == "created_shift":
            conn.execute("UPDATE public.bookings SET created_at = created_at + %s * interval '1 hour' "
                         "WHERE id = %s", [op[2], booking])
        else:
            conn.execute("DELETE FROM public.bookings AS b WHERE id = %s "
                         "AND NOT EXISTS (SELECT FROM public.insurance_documents AS i "
                         "WHERE i.booking_id = b.id) "
                         "AND NOT EXISTS (SELECT FROM public.payments AS p WHERE p.booking_id = b.id)",
                         [booking])


def _bookings_start(conn) -> tuple:
    """A customer with a few bookings, one cancelled, one insured; the table rebuilt in full."""
    user_id, machine, booking = _customer(conn)
    for op in [("book", "confirmed", 5, 600, 3), ("book", "cancelled", 1, 1200, 10),
               ("book", "no_show", 0, 900, 1), ("doc", 0, "approved", 5, 700)]:
        _apply_booking_op(conn, op, user_id, machine)
    _refresh(conn, BOOKINGS, full=True)
    return user_id, machine


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(booking_op, min_size=1, max_size=6), min_size=1, max_size=4))
def test_booking_trends_incremental_refresh_equals_a_full_computation_after_any_changes(db, batches):
    with connect(db) as conn:
        conn.execute("TRUNCATE public.insurance_documents, public.payments, public.bookings, "
                     "public.equipment, public.users CASCADE")
        user_id, machine = _bookings_start(conn)
        assert _differences(conn, BOOKINGS) == []
        for batch in batches:
            with conn.transaction():
                for op in batch:
                    _apply_booking_op(conn, op, user_id, machine)
            _refresh(conn, BOOKINGS)
            assert _differences(conn, BOOKINGS) == [], batch


def test_a_booking_status_change_rewrites_only_its_days(db):
    with connect(db) as conn:
        user_id, machine = _bookings_start(conn)
        created = _noon(_today() - timedelta(days=40))
        hour = timedelta(hours=1)
        booking = _book(conn, user_id, machine, created, created + hour, created + 5 * hour)
        _refresh(conn, BOOKINGS)
        before = _xmins(conn, BOOKINGS)
        conn.execute("UPDATE public.bookings SET status = 'active' WHERE id = %s", [booking])
        _refresh(conn, BOOKINGS)
        rewritten = _rewritten(before, _xmins(conn, BOOKINGS))
        utc_day = created.astimezone(UTC).date()   # start and end: the same UTC day
        assert created.date() in rewritten
        assert set(rewritten) <= {utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)}
        # cancelled today: the capture's keys are one range, from the UTC day before it was
        # created to the day after today, so every day in between is rewritten, and no other
        before = _xmins(conn, BOOKINGS)
        conn.execute("UPDATE public.bookings SET status = 'cancelled', cancelled_at = now() WHERE id = %s",
                     [booking])
        _refresh(conn, BOOKINGS)
        rewritten = _rewritten(before, _xmins(conn, BOOKINGS))
        assert {created.date(), _today()} <= set(rewritten)
        assert min(rewritten) >= utc_day - timedelta(days=1) and max(rewritten) == _today()
        assert len(rewritten) < len(before) / 4
        assert _differences(conn, BOOKINGS) == []
        # an insurance document: everything (the capture records no booking of a document)
        before = _xmins(conn, BOOKINGS)
        _apply_booking_op(conn, ("doc", 0, "pending", 0, 600), user_id, machine)
        _refresh(conn, BOOKINGS)
        assert len(_rewritten(before, _xmins(conn, BOOKINGS))) == len(before)
        assert _differences(conn, BOOKINGS) == []


def test_booking_trends_verification_compares_sampled_days(db):
    with connect(db) as conn:
        _bookings_start(conn)
        days = conn.execute("SELECT snapshot_date, stored, computed, differing "
                            "FROM pgfresh.verify_incremental('mv_booking_trends', 3)").fetchall()
        assert len(days) == 3 and _today() in [d[0] for d in days]
        assert all(d[1] == d[2] == 1 and d[3] == 0 for d in days)
        conn.execute("UPDATE analytics.mv_booking_trends SET cancellations = cancellations + 1 "
                     "WHERE bucket_date = %s", [_today()])
        assert conn.execute("SELECT sum(differing) FROM pgfresh.verify_incremental('mv_booking_trends', 1)"
                            ).fetchone()[0] == 2
