"""analytics.mv_customer_cohorts against an independent computation in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_customer_cohorts"
KEY = ("cohort_month",)
TABLES = ("users", "bookings", "payments", "customer_segments")
WENT_AHEAD = {"confirmed", "active", "completed"}
SEGMENTS = ("consumer", "contractor", "business", "enterprise")


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def month_of(snap: Snapshot, ts) -> date:
    return snap.local_day(ts).replace(day=1)


def next_month(m: date) -> date:
    return (m + timedelta(days=32)).replace(day=1)


def expected(snap: Snapshot) -> list[dict]:
    src = snap.sources
    customers = {u["id"] for u in src["users"] if u["role"] == "customer"}
    months = defaultdict(set)  # customer -> local months with a booking that went ahead
    for b in src["bookings"]:
        if b["status"] in WENT_AHEAD and b["user_id"] in customers:
            months[b["user_id"]].add(month_of(snap, b["created_at"]))
    cohort = {c: min(ms) for c, ms in months.items()}
    if not cohort:
        return []
    ltv = defaultdict(Decimal)
    for p in src["payments"]:
        if p["status"] == "succeeded":
            ltv[p["user_id"]] += -p["amount"] if p["kind"] == "refund" else p["amount"]
    latest = {}
    for s in sorted(src["customer_segments"], key=lambda s: (s["assigned_at"], s["id"])):
        latest[s["user_id"]] = s["segment"]

    rows = []
    month, this_month = min(cohort.values()), snap.today.replace(day=1)
    while month <= this_month:
        members = [c for c, m in cohort.items() if m == month]
        retained = [c for c in members if any(m > month for m in months[c])]
        returning = [c for c, m in cohort.items() if m < month and month in months[c]]
        segments = {s: 0 for s in (*SEGMENTS, "unassigned")}
        for c in members:
            segments[latest.get(c, "unassigned")] += 1
        n = len(members)
        rows.append({
            "cohort_month": month,
            "new_customers": n,
            "returning_customers": len(returning),
            "retained_customers": len(retained),
            "retention_rate": vc.round_half_up(Decimal(len(retained)) / n, Decimal("0.0001")) if n else None,
            "avg_ltv": vc.round_half_up(sum(ltv[c] for c in members) / n) if n else None,
            "segment_counts": segments,
        })
        month = next_month(month)
    return rows


def test_customer_cohorts_match_an_independent_computation_on_generated_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert snap.rows and any(r["returning_customers"] for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_every_segment_counts_of_the_generated_data_follows_its_contract(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    for r in snap.rows:
        assert vc.contract_errors("mv_customer_cohorts.segment_counts.schema.json", r["segment_counts"]) == []
        assert sum(r["segment_counts"].values()) == r["new_customers"]


def test_customer_cohorts_edge_cases_match_an_independent_computation(db):
    with vc.transaction(db) as conn:
        _, today, at = vc.clock(conn)
        this_month = today.replace(day=1)
        # local instants in earlier months: the 15th at noon, and the last minute of the month
        def mid(months_ago: int):
            m = this_month
            for _ in range(months_ago):
                m = (m - timedelta(days=1)).replace(day=1)
            return at((today - m.replace(day=15)).days, 12)

        def month_end(months_ago: int):
            return mid(months_ago - 1) - timedelta(days=14, hours=12, minutes=1)

        machine = vc.machine(conn, today - timedelta(days=900))

        def book(customer, created_at, status="completed", amount="100.00"):
            b = vc.booking(conn, customer, machine, created_at + timedelta(days=5),
                           created_at + timedelta(days=6), status=status, created_at=created_at)
            if status in ("confirmed", "active", "completed"):
                vc.payment(conn, b, customer, "deposit", amount, created_at)
            return b

        # first booking cancelled 5 months ago (paid and refunded), first that went ahead 3
        # months ago: cohort of 3 months ago; the cancelled one's refund is in its LTV
        late = vc.user(conn)
        cancelled = book(late, mid(5), status="cancelled")
        pay = vc.payment(conn, cancelled, late, "deposit", "40.00", mid(5))
        vc.payment(conn, cancelled, late, "refund", "40.00", mid(5), refund_of=pay)
        book(late, mid(3), amount="10.01")
        # only cancelled and no-show bookings: in no cohort
        never = vc.user(conn)
        book(never, mid(4), status="cancelled")
        book(never, mid(4), status="no_show")
        # a booking made in the last minute of a month, local time (already the next month
        # in UTC): cohort of that month; returns 2 months later and this month
        edge = vc.user(conn)
        book(edge, month_end(4), amount="20.00")
        book(edge, mid(2))
        book(edge, mid(0), status="confirmed")
        # a pending booking acquires nobody; a staff member's booking counts for nobody
        pending = vc.user(conn)
        book(pending, mid(1), status="pending")
        staff = vc.user(conn, role="staff")
        book(staff, mid(3))
        # segments: the latest assignment wins
        vc.insert(conn, "customer_segments", user_id=edge, segment="consumer", assigned_at=mid(4))
        vc.insert(conn, "customer_segments", user_id=edge, segment="business", assigned_at=mid(1))
        # two customers in one cohort: an average LTV of 10.01 and 0.00 -> 5.005 -> 5.01
        other = vc.user(conn)
        vc.booking(conn, other, machine, mid(3), mid(3) + timedelta(hours=3), created_at=mid(3))
        snap = read(conn)

    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {r["cohort_month"]: r for r in snap.rows}
    months = sorted(rows)
    assert len(months) == 5 and months[-1] == this_month  # 4 months ago .. this month
    assert [rows[m]["new_customers"] for m in months] == [1, 2, 0, 0, 0]
    assert rows[months[1]]["avg_ltv"] == Decimal("5.01") and rows[months[1]]["retention_rate"] == 0
    assert rows[months[0]]["retention_rate"] == 1 and rows[months[0]]["avg_ltv"] == Decimal("220.00")
    assert [rows[m]["returning_customers"] for m in months] == [0, 0, 1, 0, 1]
    assert rows[months[0]]["segment_counts"]["business"] == 1
    assert rows[months[2]]["retention_rate"] is None and rows[months[2]]["avg_ltv"] is None
