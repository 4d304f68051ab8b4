"""analytics.mv_financial_summary against an independent computation in Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

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
)

VIEW, KEY = "mv_financial_summary", "snapshot_date"
TABLES = ["payments", "manual_payments", "payout_reconciliations", "financial_transactions",
          "payment_schedules"]


def expected_rows(src: dict, tz, today: date) -> list[dict]:
    def day(ts):
        return local_day(ts, tz)

    def arrival(po):
        at = po["arrived_at"]
        if at is None and po["status"] in ("paid", "reconciled"):
            at = po["expected_at"]
        return day(at)

    # Money that moved on a day, by the local day it moved.
    flows = defaultdict(lambda: defaultdict(Decimal))
    moved = []  # the days money moved: payments, receipts, ledger rows
    for p in src["payments"]:
        if p["status"] != "succeeded":
            continue
        moved.append(day(p["paid_at"]))
        f = flows[moved[-1]]
        if p["kind"] == "refund":
            f["refunds"] += p["amount"]
        elif p["method"] == "stripe":
            f["stripe_collections"] += p["amount"]
    for m in src["manual_payments"]:
        moved.append(day(m["received_at"]))
        f = flows[moved[-1]]
        f["manual_collections"] += m["amount"]
        if m["payment_id"] is None:
            f["manual_unposted"] += m["amount"]
    for t in src["financial_transactions"]:
        moved.append(day(t["occurred_at"]))
        f = flows[moved[-1]]
        if t["kind"] == "fee":
            f["fees"] -= t["amount"]
        if t["kind"] != "payout":
            f["ledger_net"] += t["amount"]
    # Things that are owed or on their way, as (created day, settled day, ...).
    payouts = [(day(po["created_at"]), arrival(po), po["amount"])
               for po in src["payout_reconciliations"] if po["status"] != "failed"]
    for _, arrived, amount in payouts:
        flows[arrived]["payouts_arrived"] += amount
    owed = [(day(i["created_at"]), day(i["paid_at"]), day(i["due_at"]), i["amount_due"])
            for i in src["payment_schedules"] if i["status"] != "cancelled"]

    cal = calendar(moved, today, start_only=[c for c, *_ in payouts] + [c for c, *_ in owed])
    out = []
    for d in cal:
        f = flows.get(d, {})
        pending = [a for c, arr, a in payouts if c <= d and (arr is None or arr > d)]
        receivable = [(due, a) for c, paid, due, a in owed if c <= d and (paid is None or paid > d)]
        stripe, manual = f.get("stripe_collections", Decimal(0)), f.get("manual_collections", Decimal(0))
        out.append(dict(
            snapshot_date=d,
            stripe_collections=stripe,
            manual_collections=manual,
            total_collections=stripe + manual,
            manual_unposted=f.get("manual_unposted", Decimal(0)),
            refunds=f.get("refunds", Decimal(0)),
            fees=f.get("fees", Decimal(0)),
            ledger_net=f.get("ledger_net", Decimal(0)),
            payouts_arrived=f.get("payouts_arrived", Decimal(0)),
            payouts_pending=sum(pending, Decimal(0)),
            payouts_pending_count=len(pending),
            ar_balance=sum((a for _, a in receivable), Decimal(0)),
            ar_overdue=sum((a for due, a in receivable if due < d), Decimal(0)),
        ))
    return out


def check(url: str) -> list[dict]:
    with open_conn(url) as conn:
        tz = business_tz(conn)
        src = read_sources(conn, TABLES)
        rows, now = refresh_and_read(conn, VIEW, KEY)
    assert_rows_equal(rows, expected_rows(src, tz, now.astimezone(tz).date()), KEY)
    return rows


def test_financial_summary_matches_an_independent_computation_on_sample_data(sample_db):
    rows = check(sample_db)
    assert sum(r["stripe_collections"] for r in rows) > 0
    assert any(r["ar_balance"] > 0 for r in rows)


def test_edge_cases_collections_payouts_and_receivables_across_days(db):
    d1 = date(2024, 3, 9)  # New York: March 10 is a 23-hour day
    d2, d3, d4 = (d1 + timedelta(days=n) for n in (1, 2, 3))
    with open_conn(db) as conn:
        r = Rows(conn, business_tz(conn))
        u = r.user(r.at(d1, 8))
        b = r.booking(u, r.equipment(), r.at(d1, 9), r.at(d2, 10), r.at(d4, 10))
        # A Stripe deposit at 23:30 (04:30 UTC on d2) is d1's money; a manual balance payment
        # posted as a payments row; cash received d2 and not posted yet.
        dep = r.payment(b, u, "deposit", "100.00", r.at(d1, 23, 30))
        bal = r.payment(b, u, "balance", "400.00", r.at(d2, 11), method="manual")
        r.manual_payment(b, u, "400.00", r.at(d2, 10), payment_id=bal, method="check")
        r.manual_payment(b, u, "50.00", r.at(d2, 16))
        r.payment(b, u, "refund", "60.00", r.at(d3, 9), refund_of=dep)
        r.payment(b, u, "balance", "70.00", None, status="failed", created_at=r.at(d3, 9))
        # Ledger: charge, fee, payout (left out of ledger_net), adjustment.
        r.ledger("charge", "100.00", r.at(d1, 23, 30), payment_id=dep)
        r.ledger("fee", "-3.20", r.at(d1, 23, 31), payment_id=dep)
        r.ledger("refund", "-60.00", r.at(d3, 9), payment_id=dep)
        p2 = r.payout("90.00", r.at(d1, 20), status="paid", arrived_at=r.at(d3, 8))
        r.ledger("payout", "-90.00", r.at(d1, 20), payout_id=p2)
        r.ledger("adjustment", "5.00", r.at(d3, 12))
        # Payouts: still in transit; arrived d3; Stripe says paid (no arrived_at, expected d2);
        # reconciled; failed (never pending).
        r.payout("10.00", r.at(d1, 9), status="in_transit")
        r.payout("20.00", r.at(d1, 9), status="paid", expected_at=r.at(d2, 9))
        r.payout("30.00", r.at(d2, 9), status="reconciled", arrived_at=r.at(d3, 23, 59),
                 reconciled_at=r.at(d4, 9))
        r.payout("40.00", r.at(d1, 9), status="failed")
        # Installments: paid on d4 (owed d1-d3, overdue d3); never paid, due d1 (overdue from
        # d2); paid the day it was created (never owed); cancelled (never owed).
        r.installment(b, "balance", "400.00", r.at(d1, 9), r.at(d2, 9), status="paid",
                      paid_at=r.at(d4, 9))
        r.installment(b, "deposit", "100.00", r.at(d1, 9), r.at(d1, 18), status="overdue")
        r.installment(b, "deposit", "7.00", r.at(d1, 9), r.at(d1, 10), status="paid",
                      paid_at=r.at(d1, 22))
        r.installment(b, "balance", "999.00", r.at(d1, 9), r.at(d2, 9), status="cancelled")
    rows = {r["snapshot_date"]: r for r in check(db)}
    assert min(rows) == d1
    assert rows[d1]["stripe_collections"] == money("100.00")
    assert rows[d2]["stripe_collections"] == 0
    assert rows[d2]["manual_collections"] == money("450.00")
    assert rows[d2]["manual_unposted"] == money("50.00")
    assert rows[d3]["refunds"] == money("60.00")
    assert rows[d1]["fees"] == money("3.20")
    assert rows[d1]["ledger_net"] == money("96.80")
    assert [rows[d]["payouts_pending"] for d in (d1, d2, d3, d4)] == [
        money("120.00"), money("130.00"), money("10.00"), money("10.00")]
    assert rows[d3]["payouts_arrived"] == money("120.00")
    assert [rows[d]["ar_balance"] for d in (d1, d2, d3, d4)] == [
        money("500.00"), money("500.00"), money("500.00"), money("100.00")]
    assert [rows[d]["ar_overdue"] for d in (d1, d2, d3, d4)] == [
        money("0"), money("100.00"), money("500.00"), money("100.00")]
