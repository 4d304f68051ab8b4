"""analytics.mv_financial_summary against an independent computation in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_financial_summary"
KEY = ("snapshot_date",)
TABLES = ("payments", "manual_payments", "payout_reconciliations", "financial_transactions",
          "payment_schedules")


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def expected(snap: Snapshot) -> list[dict]:
    src, day = snap.sources, snap.local_day

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

    cal = vc.calendar(moved, snap.today, start_only=[c for c, *_ in payouts] + [c for c, *_ in owed])
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


def test_financial_summary_matches_an_independent_computation_on_sample_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert sum(r["stripe_collections"] for r in snap.rows) > 0
    assert any(r["ar_balance"] > 0 for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_edge_cases_collections_payouts_and_receivables_across_days(db):
    d1 = date(2024, 3, 9)  # New York: March 10 is a 23-hour day
    d2, d3, d4 = (d1 + timedelta(days=n) for n in (1, 2, 3))
    with vc.transaction(db) as conn:
        _, _, at = vc.clock(conn)
        u = vc.user(conn, at(d1, 8))
        b = vc.booking(conn, u, vc.machine(conn), at(d2, 10), at(d4, 10), status="confirmed",
                       created_at=at(d1, 9))
        # A Stripe deposit at 23:30 (04:30 UTC on d2) is d1's money; a manual balance payment
        # posted as a payments row; cash received d2 and not posted yet.
        dep = vc.payment(conn, b, u, "deposit", "100.00", at(d1, 23, 30))
        bal = vc.payment(conn, b, u, "balance", "400.00", at(d2, 11), method="manual")
        vc.manual_payment(conn, b, u, "400.00", at(d2, 10), payment_id=bal, method="check")
        vc.manual_payment(conn, b, u, "50.00", at(d2, 16))
        vc.payment(conn, b, u, "refund", "60.00", at(d3, 9), refund_of=dep)
        vc.payment(conn, b, u, "balance", "70.00", None, status="failed", created_at=at(d3, 9))
        # Ledger: charge, fee, payout (left out of ledger_net), adjustment.
        vc.ledger(conn, "charge", "100.00", at(d1, 23, 30), payment_id=dep)
        vc.ledger(conn, "fee", "-3.20", at(d1, 23, 31), payment_id=dep)
        vc.ledger(conn, "refund", "-60.00", at(d3, 9), payment_id=dep)
        p2 = vc.payout(conn, "90.00", at(d1, 20), status="paid", arrived_at=at(d3, 8))
        vc.ledger(conn, "payout", "-90.00", at(d1, 20), payout_id=p2)
        vc.ledger(conn, "adjustment", "5.00", at(d3, 12))
        # Payouts: still in transit; arrived d3; Stripe says paid (no arrived_at, expected d2);
        # reconciled; failed (never pending).
        vc.payout(conn, "10.00", at(d1, 9), status="in_transit")
        vc.payout(conn, "20.00", at(d1, 9), status="paid", expected_at=at(d2, 9))
        vc.payout(conn, "30.00", at(d2, 9), status="reconciled", arrived_at=at(d3, 23, 59),
                  reconciled_at=at(d4, 9))
        vc.payout(conn, "40.00", at(d1, 9), status="failed")
        # Installments: paid on d4 (owed d1-d3, overdue d3); never paid, due d1 (overdue from
        # d2); paid the day it was created (never owed); cancelled (never owed).
        vc.installment(conn, b, "balance", "400.00", at(d1, 9), at(d2, 9), status="paid",
                       paid_at=at(d4, 9))
        vc.installment(conn, b, "deposit", "100.00", at(d1, 9), at(d1, 18), status="overdue")
        vc.installment(conn, b, "deposit", "7.00", at(d1, 9), at(d1, 10), status="paid",
                       paid_at=at(d1, 22))
        vc.installment(conn, b, "balance", "999.00", at(d1, 9), at(d2, 9), status="cancelled")
        snap = read(conn)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {r["snapshot_date"]: r for r in snap.rows}
    assert min(rows) == d1
    assert rows[d1]["stripe_collections"] == Decimal("100.00")
    assert rows[d2]["stripe_collections"] == 0
    assert rows[d2]["manual_collections"] == Decimal("450.00")
    assert rows[d2]["manual_unposted"] == Decimal("50.00")
    assert rows[d3]["refunds"] == Decimal("60.00")
    assert rows[d1]["fees"] == Decimal("3.20")
    assert rows[d1]["ledger_net"] == Decimal("96.80")
    assert [rows[d]["payouts_pending"] for d in (d1, d2, d3, d4)] == [
        Decimal("120.00"), Decimal("130.00"), Decimal("10.00"), Decimal("10.00")]
    assert rows[d3]["payouts_arrived"] == Decimal("120.00")
    assert [rows[d]["ar_balance"] for d in (d1, d2, d3, d4)] == [
        Decimal("500.00"), Decimal("500.00"), Decimal("500.00"), Decimal("100.00")]
    assert [rows[d]["ar_overdue"] for d in (d1, d2, d3, d4)] == [
        Decimal("0"), Decimal("100.00"), Decimal("500.00"), Decimal("100.00")]
