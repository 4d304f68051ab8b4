"""The incremental analytics.mv_financial_summary.

The property: after any batch of inserts, updates (statuses, amounts, dates moved across
days, months and the DST days), deletes and late backdated rows of its five sources, an
incremental refresh leaves the table equal, row for row, to a from-scratch computation of
the same definition (pgfresh.mv_financial_summary_rows(NULL)). Then: a change rewrites
only the days its source's rule dirties (a flow: its days; a balance: its first day
onward), the end of the calendar follows new and vanished days, a full rebuild on request
and after a TRUNCATE, and the verification of sampled days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import connect

VIEW = "mv_financial_summary"
ZONES = ("America/New_York", "America/Santiago")  # Santiago: its clock goes back across midnight
SOURCES = ("payments", "manual_payments", "financial_transactions", "payout_reconciliations",
           "payment_schedules")
HISTORY = 500  # days before today of the first event (the ledger row nothing changes)

DIFF_SQL = """
SELECT 'stored' AS side, * FROM (TABLE analytics.mv_financial_summary
                                 EXCEPT ALL SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)) AS a
UNION ALL
SELECT 'computed', * FROM (SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)
                           EXCEPT ALL TABLE analytics.mv_financial_summary) AS b
ORDER BY 2, 1
LIMIT 10
"""


def _today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def _anchor_days(tz: str) -> list[date]:
    """Local days where mistakes hide: today, yesterday, tomorrow (a future day), month
    starts, the DST days of the last 400 days, old days and one before the history."""
    zone, today = ZoneInfo(tz), _today(tz)
    month = today.replace(day=1)
    days = [today, today - timedelta(days=1), today + timedelta(days=2), month, month - timedelta(days=1),
            today - timedelta(days=40), today - timedelta(days=200), today - timedelta(days=HISTORY + 3)]
    for n in range(400):
        d = today - timedelta(days=n)
        if datetime(d.year, d.month, d.day, 12, tzinfo=zone).utcoffset() != \
                (datetime(d.year, d.month, d.day, 12, tzinfo=zone) - timedelta(days=1)).utcoffset():
            days.append(d)
    return days


ANCHORS = {tz: _anchor_days(tz) for tz in ZONES}
N_ANCHORS = min(len(a) for a in ANCHORS.values())


def _instant(tz: str, anchor: int, hours: int) -> datetime:
    d = ANCHORS[tz][anchor % len(ANCHORS[tz])]
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)) + timedelta(hours=hours)


anchor = st.integers(0, N_ANCHORS - 1)
hours = st.integers(-30, 30)
pick = st.integers(0, 1000)
cents = st.integers(1, 900_00)
when = st.tuples(anchor, hours)

operation = st.one_of(
    st.tuples(st.just("payment"), when, st.sampled_from(["deposit", "balance", "refund"]),
              st.sampled_from(["stripe", "manual"]), st.sampled_from(["succeeded", "pending", "failed"]),
              cents),
    st.tuples(st.just("payment_status"), pick, st.sampled_from(["succeeded", "pending", "failed"]), when),
    st.tuples(st.just("payment_move"), pick, when),
    st.tuples(st.just("payment_amount"), pick, cents),
    st.tuples(st.just("payment_delete"), pick),
    st.tuples(st.just("receipt"), when, cents, st.booleans()),
    st.tuples(st.just("receipt_move"), pick, when),
    st.tuples(st.just("receipt_post"), pick),
    st.tuples(st.just("receipt_delete"), pick),
    # rows of one statement; late: written now (created_at), not when the money moved
    st.tuples(st.just("ledger"),
              st.lists(st.tuples(when, st.sampled_from(["charge", "fee", "payout", "adjustment"]), cents),
                       min_size=1, max_size=4),
              st.booleans()),
    st.tuples(st.just("ledger_move"), pick, when),
    st.tuples(st.just("ledger_delete"), pick),
    st.tuples(st.just("payout"), when, st.integers(0, 5), st.sampled_from(["pending", "in_transit", "paid",
                                                                            "failed", "reconciled"]),
              st.booleans(), cents),
    st.tuples(st.just("payout_arrive"), pick, st.integers(0, 96)),
    st.tuples(st.just("payout_status"), pick, st.sampled_from(["pending", "paid", "failed", "reconciled"])),
    st.tuples(st.just("payout_delete"), pick),
    st.tuples(st.just("installment"), when, st.integers(-3, 60), st.sampled_from([None, 0, 1, 30]), cents),
    st.tuples(st.just("installment_pay"), pick, st.integers(-48, 24 * 40)),
    st.tuples(st.just("installment_unpay"), pick),
    st.tuples(st.just("installment_cancel"), pick),
    st.tuples(st.just("installment_move"), pick, when, st.integers(0, 40)),
    st.tuples(st.just("installment_amount"), pick, cents),
    st.tuples(st.just("installment_delete"), pick),
)


class World:
    """A user, a booking and the first payment (what refunds and posted receipts point to),
    in the business time zone ``tz``."""

    def __init__(self, conn: psycopg.Connection, tz: str):
        self.conn, self.tz = conn, tz
        self.user = conn.execute("INSERT INTO public.users (email, full_name) VALUES ('f@example.com', 'F') "
                                 "RETURNING id").fetchone()[0]
        machine = conn.execute("INSERT INTO public.equipment (name, category, daily_rate, acquired_at) "
                               "VALUES ('lift', 'lift', 100, '2020-01-01') RETURNING id").fetchone()[0]
        self.booking = conn.execute(
            "INSERT INTO public.bookings (user_id, equipment_id, status, start_at, end_at, total_amount) "
            "VALUES (%s, %s, 'completed', now() - interval '20 days', now() - interval '18 days', 500) "
            "RETURNING id", [self.user, machine]).fetchone()[0]
        self.base = self.payment(self.at_days(-300), "deposit", "stripe", "succeeded", 100)
        # the first event of the history, which no operation picks (_nth skips it)
        self.first = conn.execute(
            "INSERT INTO public.financial_transactions (kind, amount, occurred_at, created_at) "
            "VALUES ('adjustment', 1, %s, %s) RETURNING id", [self.at_days(-HISTORY)] * 2).fetchone()[0]

    def at(self, w: tuple[int, int]) -> datetime:
        return _instant(self.tz, *w)

    def at_days(self, days: int, hour: int = 12) -> datetime:
        d = _today(self.tz) + timedelta(days=days)
        return datetime(d.year, d.month, d.day, hour, tzinfo=ZoneInfo(self.tz))

    def payment(self, paid: datetime, kind: str, method: str, status: str, amount: float):
        return self.conn.execute(
            "INSERT INTO public.payments (booking_id, user_id, kind, method, status, amount, refund_of, "
            "paid_at, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [self.booking, self.user, kind, method, status, amount, self.base if kind == "refund" else None,
             paid if status == "succeeded" else None, paid - timedelta(hours=1)]).fetchone()[0]

    def nth(self, table: str, n: int):
        """The id of row n (modulo the count) of a source table, never the first payment nor
        the history's first event; None when there is none."""
        ids = [r[0] for r in self.conn.execute(
            f"SELECT id FROM public.{table} WHERE id <> ALL (%s) ORDER BY id",  # table: a constant
            [[self.base, self.first]])]
        return ids[n % len(ids)] if ids else None

    def apply(self, op: tuple) -> None:  # noqa: C901 - one branch per kind of operation
        kind, conn = op[0], self.conn
        if kind == "payment":
            _, w, pkind, method, status, amount = op
            self.payment(self.at(w), pkind, method, status, amount / 100)
        elif kind == "receipt":
            _, w, amount, posted = op
            conn.execute("INSERT INTO public.manual_payments (booking_id, user_id, payment_id, method, "
                         "amount, received_at, created_at) VALUES (%s, %s, %s, 'cash', %s, %s, %s)",
                         [self.booking, self.user, self.base if posted else None, amount / 100, self.at(w),
                          self.at(w) + timedelta(hours=1)])
        elif kind == "ledger":
            conn.execute(
                "INSERT INTO public.financial_transactions (kind, amount, occurred_at, created_at) "
                "SELECT r.k, CASE WHEN r.k IN ('fee', 'payout') THEN -r.a ELSE r.a END, r.t, "
                "CASE WHEN %s THEN now() ELSE r.t END "
                "FROM unnest(%s::text[], %s::numeric[], %s::timestamptz[]) AS r (k, a, t)",
                [op[2], [k for _, k, _ in op[1]], [a / 100 for *_, a in op[1]],
                 [self.at(w) for w, *_ in op[1]]])
        elif kind == "payout":
            _, w, days, status, arrived, amount = op
            created = self.at(w)
            expected = created + timedelta(days=days, hours=3)
            conn.execute(
                "INSERT INTO public.payout_reconciliations (stripe_payout_id, amount, status, expected_at, "
                "arrived_at, reconciled_at, created_at) "
                "VALUES ('po_' || gen_random_uuid(), %s, %s, %s, %s, %s, %s)",
                [amount / 100, status, expected, expected + timedelta(hours=5) if arrived else None,
                 expected + timedelta(days=1) if status == "reconciled" else None, created])
        elif kind == "installment":
            _, w, due_days, paid_days, amount = op
            created = self.at(w)
            paid = None if paid_days is None else created + timedelta(days=paid_days, hours=2)
            conn.execute(
                "INSERT INTO public.payment_schedules (booking_id, kind, amount_due, due_at, status, "
                "paid_at, created_at) VALUES (%s, 'balance', %s, %s, %s, %s, %s)",
                [self.booking, amount / 100, created + timedelta(days=due_days),
                 "paid" if paid else "scheduled", paid, created])
        elif kind.startswith("payment_"):
            row = self.nth("payments", op[1])
            if kind == "payment_status":
                conn.execute("UPDATE public.payments SET status = %s, paid_at = "
                             "CASE WHEN %s = 'succeeded' THEN coalesce(paid_at, %s) END WHERE id = %s",
                             [op[2], op[2], self.at(op[3]), row])
            elif kind == "payment_move":
                conn.execute("UPDATE public.payments SET paid_at = %s WHERE id = %s AND status = 'succeeded'",
                             [self.at(op[2]), row])
            elif kind == "payment_amount":
                conn.execute("UPDATE public.payments SET amount = %s WHERE id = %s", [op[2] / 100, row])
            else:
                conn.execute("DELETE FROM public.payments WHERE id = %s", [row])
        elif kind.startswith("receipt_"):
            row = self.nth("manual_payments", op[1])
            if kind == "receipt_move":
                conn.execute("UPDATE public.manual_payments SET received_at = %s WHERE id = %s",
                             [self.at(op[2]), row])
            elif kind == "receipt_post":
                conn.execute("UPDATE public.manual_payments SET payment_id = CASE WHEN payment_id IS NULL "
                             "THEN %s::uuid END WHERE id = %s", [self.base, row])
            else:
                conn.execute("DELETE FROM public.manual_payments WHERE id = %s", [row])
        elif kind.startswith("ledger_"):
            row = self.nth("financial_transactions", op[1])
            if kind == "ledger_move":
                conn.execute("UPDATE public.financial_transactions SET occurred_at = %s WHERE id = %s",
                             [self.at(op[2]), row])
            else:
                conn.execute("DELETE FROM public.financial_transactions WHERE id = %s", [row])
        elif kind.startswith("payout_"):
            row = self.nth("payout_reconciliations", op[1])
            if kind == "payout_arrive":
                conn.execute("UPDATE public.payout_reconciliations SET arrived_at = created_at + %s * "
                             "interval '1 hour' WHERE id = %s", [op[2], row])
            elif kind == "payout_status":
                conn.execute("UPDATE public.payout_reconciliations SET status = %s, reconciled_at = "
                             "CASE WHEN %s = 'reconciled' THEN expected_at END WHERE id = %s",
                             [op[2], op[2], row])
            else:
                conn.execute("DELETE FROM public.payout_reconciliations WHERE id = %s", [row])
        else:
            row = self.nth("payment_schedules", op[1])
            if kind == "installment_pay":
                conn.execute("UPDATE public.payment_schedules SET status = 'paid', "
                             "paid_at = created_at + %s * interval '1 hour' WHERE id = %s", [op[2], row])
            elif kind == "installment_unpay":
                conn.execute("UPDATE public.payment_schedules SET status = 'overdue', paid_at = NULL "
                             "WHERE id = %s", [row])
            elif kind == "installment_cancel":
                conn.execute("UPDATE public.payment_schedules SET status = 'cancelled', paid_at = NULL "
                             "WHERE id = %s", [row])
            elif kind == "installment_move":
                conn.execute("UPDATE public.payment_schedules SET created_at = %s, due_at = %s "
                             "WHERE id = %s", [self.at(op[2]), self.at(op[2]) + timedelta(days=op[3]), row])
            elif kind == "installment_amount":
                conn.execute("UPDATE public.payment_schedules SET amount_due = %s WHERE id = %s",
                             [op[2] / 100, row])
            else:
                conn.execute("DELETE FROM public.payment_schedules WHERE id = %s", [row])


def _refresh(conn, full: bool = False) -> None:
    run = conn.execute("SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', %s)",
                       [VIEW, full]).fetchone()
    assert run[0] == "success", run


def _differences(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(DIFF_SQL)]


def _world(conn, tz: str = ZONES[0]) -> World:
    """An empty business in ``tz`` with a history of HISTORY days and a few rows of every
    source; the table rebuilt in full. jit off in the session, as the refresh has it:
    JIT-compiling a plan of the row function takes longer than running it."""
    conn.execute("SET jit = off")
    conn.execute("TRUNCATE public.manual_payments, public.payment_schedules, public.financial_transactions, "
                 "public.payout_reconciliations, public.payments, public.bookings, public.equipment, "
                 "public.users CASCADE")
    conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('business_timezone', %s) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [tz])
    world = World(conn, tz)
    for i, days in enumerate((-250, -40, -3, -1, 0)):
        world.apply(("payment", (0, 24 * days + 10), "balance", "stripe", "succeeded", 1000 + i))
        world.apply(("receipt", (0, 24 * days + 11), 500 + i, i % 2 == 0))
        world.apply(("ledger", [((0, 24 * days + 12), "fee", 30 + i), ((0, 24 * days + 13), "charge", 900)],
                     False))
        world.apply(("payout", (0, 24 * days + 7), 2, "paid" if days < -2 else "in_transit", days < -5,
                     800 + i))
        world.apply(("installment", (0, 24 * days + 9), 5, None if days > -5 else 3, 300 + i))
    _refresh(conn, full=True)
    return world


def _rows_by_day(conn) -> dict[date, str]:
    return dict(conn.execute("SELECT snapshot_date, xmin::text FROM analytics.mv_financial_summary"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tz=st.sampled_from(ZONES), batches=st.lists(st.lists(operation, min_size=1, max_size=6), min_size=1,
                                                   max_size=4))
def test_incremental_refresh_equals_a_full_computation_after_any_changes(db, tz, batches):
    with connect(db) as conn:
        world = _world(conn, tz)
        assert _differences(conn) == []
        for batch in batches:
            with conn.transaction():
                for op in batch:
                    world.apply(op)
            _refresh(conn)
            assert _differences(conn) == [], batch
            assert conn.execute("SELECT count(*) FROM pgfresh._changed_views() WHERE view_name = %s",
                                [VIEW]).fetchone()[0] == 0


NOON_10_DAYS_AGO = (0, -24 * 10 + 12)


@pytest.mark.parametrize(("op", "onward"), [
    (("payment", NOON_10_DAYS_AGO, "balance", "stripe", "succeeded", 7700), False),
    (("receipt", NOON_10_DAYS_AGO, 7700, False), False),
    (("ledger", [(NOON_10_DAYS_AGO, "fee", 7700)], False), False),
    # written today: the capture's days span occurred_at .. created_at, all dirty
    (("ledger", [(NOON_10_DAYS_AGO, "fee", 7700)], True), True),
    (("payout", NOON_10_DAYS_AGO, 2, "in_transit", False, 7700), True),  # pending until today
    (("installment", NOON_10_DAYS_AGO, 3, None, 7700), True),            # receivable until today
], ids=["payment", "receipt", "ledger", "ledger_late", "payout", "installment"])
def test_a_change_rewrites_the_days_its_rule_dirties(db, op, onward):
    """By xmin, a change on day D (10 days ago, noon) rewrites: a flow (payments, receipts,
    ledger) D and at most a day on each side (the capture's days are UTC days widened by
    one; a ledger row written today spans D .. today); a balance carried forward
    (payouts, installments) D - 1 .. today; nothing else.
    A refresh with nothing changed rewrites nothing."""
    with connect(db) as conn:
        world = _world(conn)
        today = _today(world.tz)
        d = today - timedelta(days=10)
        before = _rows_by_day(conn)
        _refresh(conn)
        assert _rows_by_day(conn) == before
        world.apply(op)
        _refresh(conn)
        after = _rows_by_day(conn)
        assert after.keys() == before.keys()
        rewritten = {k for k in after if after[k] != before[k]}
        if onward:
            assert rewritten == {d - timedelta(days=1) + timedelta(days=n) for n in range(12)}
        else:
            assert d in rewritten and rewritten <= {d - timedelta(days=1), d, d + timedelta(days=1)}
        assert _differences(conn) == []


def test_the_calendar_end_follows_new_and_vanished_days(db):
    """A missing last day (the day after midnight) comes back alone; a future payment adds
    the days up to it, and deleting it removes them again."""
    with connect(db) as conn:
        world = _world(conn)
        today = _today(world.tz)
        conn.execute("DELETE FROM analytics.mv_financial_summary WHERE snapshot_date = %s", [today])
        before = _rows_by_day(conn)
        _refresh(conn)
        after = _rows_by_day(conn)
        assert after.keys() - before.keys() == {today} and all(after[k] == v for k, v in before.items())

        future = world.payment(world.at_days(3), "deposit", "stripe", "succeeded", 50)
        _refresh(conn)
        assert max(_rows_by_day(conn)) == today + timedelta(days=3)
        assert _differences(conn) == []
        conn.execute("DELETE FROM public.payments WHERE id = %s", [future])
        _refresh(conn)
        assert max(_rows_by_day(conn)) == today
        assert _differences(conn) == []


def test_full_rebuild_on_request_on_truncate_and_for_a_backdated_first_day(db):
    with connect(db) as conn:
        world = _world(conn)
        conn.execute("UPDATE analytics.mv_financial_summary SET fees = -1")  # damage it
        _refresh(conn)                       # nothing recorded: nothing rewritten
        assert len(_differences(conn)) > 0
        _refresh(conn, full=True)
        assert _differences(conn) == []
        # an event before the first day: the calendar starts earlier
        world.apply(("receipt", (0, -24 * (HISTORY + 30)), 100, False))
        _refresh(conn)
        assert conn.execute("SELECT min(snapshot_date) FROM analytics.mv_financial_summary").fetchone()[0] \
            == _today(world.tz) - timedelta(days=HISTORY + 30)
        assert _differences(conn) == []
        conn.execute("TRUNCATE public.payment_schedules")
        _refresh(conn)
        assert _differences(conn) == []
        assert conn.execute("SELECT sum(ar_balance) FROM analytics.mv_financial_summary").fetchone()[0] == 0


def test_the_verification_finds_a_damaged_day_and_rebuilds(db):
    with connect(db) as conn:
        world = _world(conn)
        days = conn.execute("SELECT snapshot_date, stored, computed, differing "
                            "FROM pgfresh.verify_incremental(%s, 5)", [VIEW]).fetchall()
        assert len(days) == 5 and _today(world.tz) in [d[0] for d in days]
        assert all(d[1] == d[2] == 1 and d[3] == 0 for d in days)
        conn.execute("UPDATE analytics.mv_financial_summary SET ar_balance = ar_balance + 1 "
                     "WHERE snapshot_date = %s", [_today(world.tz) - timedelta(days=1)])
        assert conn.execute("SELECT sum(differing) FROM pgfresh.verify_incremental(%s, 2)",
                            [f"analytics.{VIEW}"]).fetchone()[0] == 2  # one stored, one computed
        conn.execute("CALL pgfresh.verify_incremental_views(2)")
        assert _differences(conn) == []


def test_the_row_function_reads_the_days_asked_for(db):
    """Rows of a few days, of days outside the calendar (none) and of every day agree."""
    with connect(db) as conn:
        world = _world(conn)
        today = _today(world.tz)
        days = [today - timedelta(days=n) for n in (0, 1, 3, 4, 40, 250, 499, HISTORY, HISTORY + 1)] \
            + [today + timedelta(days=1), None]
        some = conn.execute("SELECT * FROM pgfresh.mv_financial_summary_rows(%s::date[]) ORDER BY 1",
                            [days]).fetchall()
        every = {r[0]: r for r in conn.execute("SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)")}
        assert [r[0] for r in some] == sorted(d for d in days if d and d in every)
        assert all(every[r[0]] == r for r in some)
        assert conn.execute("SELECT count(*) FROM pgfresh.mv_financial_summary_rows('{}')").fetchone()[0] == 0
        # balances start from the open balance of the first day asked for, k0: every k0
        # around the events of the world (installments paid 3 days after they were created)
        asked, differing = conn.execute("""
            WITH every AS (SELECT * FROM pgfresh.mv_financial_summary_rows(NULL)),
            asked AS (
                SELECT r.*
                  FROM generate_series(-260, 2) AS k (n)
                 CROSS JOIN LATERAL pgfresh.mv_financial_summary_rows(
                    ARRAY[%(today)s::date + k.n, %(today)s::date + k.n + 1, %(today)s::date + k.n + 5]) AS r
            )
            SELECT count(*), count(*) FILTER (WHERE ROW(a.*) IS DISTINCT FROM ROW(e.*))
              FROM asked AS a LEFT JOIN every AS e USING (snapshot_date)""", {"today": today}).fetchone()
        assert (asked, differing) == (sum(n + off <= 0 for n in range(-260, 3) for off in (0, 1, 5)), 0)
