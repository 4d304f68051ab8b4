"""analytics.mv_revenue_trends against an independent computation in plain Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_revenue_trends"
KEY = ("bucket_date",)
TABLES = ("payments", "payment_schedules")


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def expected(snap: Snapshot) -> list[dict]:
    src, day_of = snap.sources, snap.local_day
    paid = [p for p in src["payments"] if p["status"] == "succeeded" and p["paid_at"] is not None]
    due = [i for i in src["payment_schedules"] if i["status"] != "cancelled"]
    cal = vc.calendar([day_of(p["paid_at"]) for p in paid], snap.today,
                      start_only=[day_of(i["due_at"]) for i in due])
    out = {d: dict(bucket_date=d, gross_revenue=Decimal(0), deposits=Decimal(0), balance=Decimal(0),
                   refunds=Decimal(0), net_revenue=Decimal(0), payments_count=0, refunds_count=0,
                   scheduled_due=Decimal(0)) for d in cal}
    for p in paid:
        row = out.get(day_of(p["paid_at"]))
        if row is None:
            continue
        if p["kind"] == "refund":
            row["refunds"] += p["amount"]
            row["refunds_count"] += 1
            row["net_revenue"] -= p["amount"]
        else:
            row["deposits" if p["kind"] == "deposit" else "balance"] += p["amount"]
            row["gross_revenue"] += p["amount"]
            row["payments_count"] += 1
            row["net_revenue"] += p["amount"]
    for i in due:
        row = out.get(day_of(i["due_at"]))
        if row is not None:
            row["scheduled_due"] += i["amount_due"]
    return [out[d] for d in cal]


def test_revenue_trends_match_an_independent_computation_on_sample_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert sum(r["payments_count"] for r in snap.rows) > 0
    assert sum(r["refunds_count"] for r in snap.rows) > 0
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def add_edge_cases(conn) -> None:
    """Local times of the business time zone when called (New York, the default)."""
    _, _, at = vc.clock(conn)
    d = date(2024, 3, 8)  # America/New_York leaves EST for EDT on 2024-03-10
    u = vc.user(conn, at(d, 8))
    e = vc.machine(conn)
    b = vc.booking(conn, u, e, at(d, 10), at(date(2024, 3, 12), 10), status="confirmed", created_at=at(d, 9))
    vc.payment(conn, b, u, "deposit", "100.00", at(d, 12))
    # 23:30 in New York is 04:30 UTC the next day: still March 8 for the business.
    balance = vc.payment(conn, b, u, "balance", "400.00", at(d, 23, 30), method="manual")
    # March 9: nothing at all. March 10 (23-hour day): a refund larger than the day's takings.
    vc.payment(conn, b, u, "deposit", "50.00", at(date(2024, 3, 10), 9))
    vc.payment(conn, b, u, "refund", "300.00", at(date(2024, 3, 10), 15), refund_of=balance)
    # Money that did not move.
    vc.payment(conn, b, u, "balance", "999.00", None, status="pending", created_at=at(date(2024, 3, 11), 9))
    vc.payment(conn, b, u, "balance", "888.00", None, status="failed", created_at=at(date(2024, 3, 11), 9))
    vc.payment(conn, b, u, "balance", "25.00", at(date(2024, 3, 12), 0, 30))
    vc.installment(conn, b, "balance", "300.00", at(d, 9), at(date(2024, 3, 11), 9))
    vc.installment(conn, b, "balance", "200.00", at(d, 9), at(date(2024, 3, 11), 9), status="cancelled")
    vc.installment(conn, b, "deposit", "100.00", at(d, 9), at(date(2024, 3, 7), 23, 59), status="paid",
                   paid_at=at(d, 12))


def test_edge_cases_day_without_payments_refund_above_takings_late_evening_and_dst(db):
    with vc.transaction(db) as conn:
        add_edge_cases(conn)
        snap = read(conn)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {r["bucket_date"]: r for r in snap.rows}
    assert min(rows) == date(2024, 3, 7)  # the first installment due date starts the calendar
    assert rows[date(2024, 3, 8)]["gross_revenue"] == Decimal("500.00")
    assert rows[date(2024, 3, 8)]["deposits"] == Decimal("100.00")
    assert rows[date(2024, 3, 8)]["balance"] == Decimal("400.00")
    assert rows[date(2024, 3, 9)]["payments_count"] == 0 and rows[date(2024, 3, 9)]["net_revenue"] == 0
    assert rows[date(2024, 3, 10)]["net_revenue"] == Decimal("-250.00")
    assert rows[date(2024, 3, 11)]["gross_revenue"] == 0
    assert rows[date(2024, 3, 11)]["scheduled_due"] == Decimal("300.00")
    assert rows[date(2024, 3, 12)]["balance"] == Decimal("25.00")


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_days_follow_the_business_time_zone_setting(db, zone):
    with vc.transaction(db) as conn:
        add_edge_cases(conn)
        vc.set_setting(conn, "business_timezone", zone)
        snap = read(conn)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {r["bucket_date"]: r for r in snap.rows}
    if zone == "UTC":
        # 23:30 on March 8 in New York is 04:30 on March 9 in UTC.
        assert rows[date(2024, 3, 8)]["gross_revenue"] == Decimal("100.00")
        assert rows[date(2024, 3, 9)]["gross_revenue"] == Decimal("400.00")
