"""analytics.mv_revenue_trends against an independent computation in Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from .viewcheck import (
    Rows,
    assert_rows_equal,
    business_tz,
    calendar,
    local_day,
    money,
    open_conn,
    read_sources,
    refresh_and_read,
    set_setting,
)

VIEW, KEY = "mv_revenue_trends", "bucket_date"


def expected_rows(src: dict, tz, today: date) -> list[dict]:
    paid = [p for p in src["payments"] if p["status"] == "succeeded" and p["paid_at"] is not None]
    due = [i for i in src["payment_schedules"] if i["status"] != "cancelled"]
    cal = calendar([local_day(p["paid_at"], tz) for p in paid], today,
                   start_only=[local_day(i["due_at"], tz) for i in due])
    out = {d: dict(bucket_date=d, gross_revenue=Decimal(0), deposits=Decimal(0), balance=Decimal(0),
                   refunds=Decimal(0), net_revenue=Decimal(0), payments_count=0, refunds_count=0,
                   scheduled_due=Decimal(0)) for d in cal}
    for p in paid:
        row = out.get(local_day(p["paid_at"], tz))
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
        row = out.get(local_day(i["due_at"], tz))
        if row is not None:
            row["scheduled_due"] += i["amount_due"]
    return [out[d] for d in cal]


def check(url: str) -> list[dict]:
    with open_conn(url) as conn:
        tz = business_tz(conn)
        src = read_sources(conn, ["payments", "payment_schedules"])
        rows, now = refresh_and_read(conn, VIEW, KEY)
    assert_rows_equal(rows, expected_rows(src, tz, now.astimezone(tz).date()), KEY)
    return rows


def test_revenue_trends_match_an_independent_computation_on_sample_data(sample_db):
    rows = check(sample_db)
    assert sum(r["payments_count"] for r in rows) > 0
    assert sum(r["refunds_count"] for r in rows) > 0


def _edge_cases(conn, tz) -> None:
    r = Rows(conn, tz)
    d = date(2024, 3, 8)  # America/New_York leaves EST for EDT on 2024-03-10
    u = r.user(r.at(d, 8))
    e = r.equipment()
    b = r.booking(u, e, r.at(d, 9), r.at(d, 10), r.at(date(2024, 3, 12), 10))
    r.payment(b, u, "deposit", "100.00", r.at(d, 12))
    # 23:30 in New York is 04:30 UTC the next day: still March 8 for the business.
    balance = r.payment(b, u, "balance", "400.00", r.at(d, 23, 30), method="manual")
    # March 9: nothing at all. March 10 (23-hour day): a refund larger than the day's takings.
    r.payment(b, u, "deposit", "50.00", r.at(date(2024, 3, 10), 9))
    r.payment(b, u, "refund", "300.00", r.at(date(2024, 3, 10), 15), refund_of=balance)
    # Money that did not move.
    r.payment(b, u, "balance", "999.00", None, status="pending", created_at=r.at(date(2024, 3, 11), 9))
    r.payment(b, u, "balance", "888.00", None, status="failed", created_at=r.at(date(2024, 3, 11), 9))
    r.payment(b, u, "balance", "25.00", r.at(date(2024, 3, 12), 0, 30))
    r.installment(b, "balance", "300.00", r.at(d, 9), r.at(date(2024, 3, 11), 9))
    r.installment(b, "balance", "200.00", r.at(d, 9), r.at(date(2024, 3, 11), 9), status="cancelled")
    r.installment(b, "deposit", "100.00", r.at(d, 9), r.at(date(2024, 3, 7), 23, 59), status="paid",
                  paid_at=r.at(d, 12))


def test_edge_cases_day_without_payments_refund_above_takings_late_evening_and_dst(db):
    with open_conn(db) as conn:
        _edge_cases(conn, business_tz(conn))
    rows = {r["bucket_date"]: r for r in check(db)}
    assert min(rows) == date(2024, 3, 7)  # the first installment due date starts the calendar
    assert rows[date(2024, 3, 8)]["gross_revenue"] == money("500.00")
    assert rows[date(2024, 3, 8)]["deposits"] == money("100.00")
    assert rows[date(2024, 3, 8)]["balance"] == money("400.00")
    assert rows[date(2024, 3, 9)]["payments_count"] == 0 and rows[date(2024, 3, 9)]["net_revenue"] == 0
    assert rows[date(2024, 3, 10)]["net_revenue"] == money("-250.00")
    assert rows[date(2024, 3, 11)]["gross_revenue"] == 0
    assert rows[date(2024, 3, 11)]["scheduled_due"] == money("300.00")
    assert rows[date(2024, 3, 12)]["balance"] == money("25.00")


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_days_follow_the_business_time_zone_setting(db, zone):
    with open_conn(db) as conn:
        _edge_cases(conn, ZoneInfo("America/New_York"))
        set_setting(conn, "business_timezone", zone)
    rows = {r["bucket_date"]: r for r in check(db)}
    if zone == "UTC":
        # 23:30 on March 8 in New York is 04:30 on March 9 in UTC.
        assert rows[date(2024, 3, 8)]["gross_revenue"] == money("100.00")
        assert rows[date(2024, 3, 9)]["gross_revenue"] == money("400.00")
