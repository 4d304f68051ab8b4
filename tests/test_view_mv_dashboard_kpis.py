"""analytics.mv_dashboard_kpis against an independent computation in plain Python, and its
JSONB bundles against their contracts (contracts/mv_dashboard_kpis.*.schema.json)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_dashboard_kpis"
KEY = ("snapshot_date",)
TABLES = ("bookings", "payments", "equipment_utilization", "payment_schedules", "insurance_documents")
THRESHOLDS = ["kpi_bookings_drop_pct", "kpi_revenue_drop_pct", "kpi_low_utilization_pct",
              "kpi_overdue_share_pct", "kpi_insurance_overdue_count"]
WENT_AHEAD = ("confirmed", "active", "completed")


def pct(change: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if change is None or previous is None or previous == 0:
        return None
    return vc.round_half_up(Decimal(100) * change / abs(previous))


def daily_values(snap: Snapshot) -> dict[date, dict]:
    src, day = snap.sources, snap.local_day

    def reviewed_day(doc):
        at = doc["reviewed_at"]
        if at is None and doc["status"] != "pending":
            at = doc["submitted_at"]
        return day(at)

    created = Counter(day(b["created_at"]) for b in src["bookings"])
    # Rental periods [start_at, end_at) as POSIX seconds (fast comparisons).
    rentals = [(b["user_id"], b["start_at"].timestamp(), b["end_at"].timestamp())
               for b in src["bookings"] if b["status"] in WENT_AHEAD]
    revenue = defaultdict(Decimal)
    for p in src["payments"]:
        if p["status"] == "succeeded":
            revenue[day(p["paid_at"])] += -p["amount"] if p["kind"] == "refund" else p["amount"]
    hours = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for u in src["equipment_utilization"]:
        hours[u["usage_date"]][0] += u["hours_used"]
        hours[u["usage_date"]][1] += u["hours_available"]
    owed = [(day(i["created_at"]), day(i["paid_at"]), day(i["due_at"]), i["amount_due"])
            for i in src["payment_schedules"] if i["status"] != "cancelled"]
    docs = [(day(doc["submitted_at"]), reviewed_day(doc), day(doc["due_at"]))
            for doc in src["insurance_documents"]]

    cal = vc.calendar(list(created) + list(revenue) + list(hours), snap.today,
                   start_only=[c for c, *_ in owed] + [s for s, *_ in docs])
    out = {}
    for d in cal:
        start, end = snap.midnight(d).timestamp(), snap.midnight(d + timedelta(days=1)).timestamp()
        used, available = hours.get(d, (0, 0))
        owing = [(due, a) for c, paid, due, a in owed if c <= d and (paid is None or paid > d)]
        out[d] = dict(
            bookings=created.get(d, 0),
            revenue=revenue.get(d, Decimal(0)),
            utilization=None if available == 0
            else vc.round_half_up(100 * used / available),
            active_customers=len({u for u, s, e in rentals if s < end and e > start}),
            outstanding_balances=sum((a for _, a in owing), Decimal(0)),
            overdue_balances=sum((a for due, a in owing if due < d), Decimal(0)),
            insurance_overdue=sum(1 for s, r, due in docs if s <= d and (r is None or r > d) and due < d),
        )
    return out


def expected(snap: Snapshot) -> list[dict]:
    limits = {k: snap.number(k) for k in THRESHOLDS}
    values = daily_values(snap)
    rows = []
    for d, v in values.items():
        p1 = values.get(d - timedelta(days=1), {})
        p7 = values.get(d - timedelta(days=7), {})
        metrics = {}
        for name, value in v.items():
            bundle = {"value": value}
            for tag, prev in (("dod", p1.get(name)), ("wow", p7.get(name))):
                change = None if value is None or prev is None else value - prev
                bundle[f"{tag}_change"] = change
                bundle[f"{tag}_pct"] = pct(change, prev)
            metrics[name] = bundle
        b7, r7 = p7.get("bookings"), p7.get("revenue")
        alerts = {
            "bookings_drop": bool(b7)
            and 100 * (v["bookings"] - b7) <= -limits["kpi_bookings_drop_pct"] * b7,
            "revenue_drop": bool(r7)
            and 100 * (v["revenue"] - r7) <= -limits["kpi_revenue_drop_pct"] * abs(r7),
            "low_utilization": v["utilization"] is not None
            and v["utilization"] < limits["kpi_low_utilization_pct"],
            "overdue_balance_high": v["outstanding_balances"] > 0
            and 100 * v["overdue_balances"] > limits["kpi_overdue_share_pct"] * v["outstanding_balances"],
            "insurance_overdue": v["insurance_overdue"] >= limits["kpi_insurance_overdue_count"],
        }
        rows.append({"snapshot_date": d, "metrics": metrics, "alerts": alerts})
    return rows


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def assert_bundles_follow_the_contracts(rows: list[dict]) -> None:
    """Every row's metrics and alerts, as a consumer reads them, against the schemas."""
    for r in rows:
        for col in ("metrics", "alerts"):
            errors = vc.contract_errors(f"mv_dashboard_kpis.{col}.schema.json", r[col])
            assert not errors, f"{r['snapshot_date']} {col}: {errors[:3]}"


def test_dashboard_kpis_match_an_independent_computation_on_sample_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert sum(r["metrics"]["bookings"]["value"] for r in snap.rows) > 0
    assert any(r["metrics"]["utilization"]["value"] is not None for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_every_row_of_the_sample_data_view_meets_the_json_contracts(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert snap.rows
    assert_bundles_follow_the_contracts(snap.rows)


def add_edge_cases(conn, d0: date) -> None:
    _, _, at = vc.clock(conn)
    day = [d0 + timedelta(days=n) for n in range(10)]
    alice, bob, carol, dave, erin, frank, gina = (vc.user(conn, at(d0, 8)) for _ in range(7))
    broken, e2 = vc.machine(conn, status="maintenance"), vc.machine(conn)
    # A machine in maintenance the whole period reports 0 of 0 hours every day.
    for d in day:
        vc.utilization(conn, broken, d, 0, 0)
    vc.utilization(conn, e2, day[0], 12)
    vc.utilization(conn, e2, day[7], 2)
    # Day 0: six bookings (Frank's and Gina's below). Alice's rental crosses midnight; Bob's
    # two overlap and the first ends exactly at midnight; Carol's first booking is cancelled.
    def book(who, created_at, start_at, end_at, status, **kw):
        return vc.booking(conn, who, e2, start_at, end_at, status=status, created_at=created_at, **kw)

    a = book(alice, at(day[0], 9), at(day[0], 22), at(day[1], 2), "completed")
    b = book(bob, at(day[0], 10), at(day[1], 0), at(day[2], 0), "active")
    book(bob, at(day[0], 11), at(day[1], 8), at(day[1], 9), "confirmed")
    book(carol, at(day[0], 12), at(day[1], 8), at(day[1], 9), "cancelled", cancelled_at=at(day[0], 13))
    # Day 7: three bookings (-50% from six: the threshold itself); Erin's rental crosses the
    # DST night.
    book(dave, at(day[7], 8), at(day[8], 8), at(day[8], 9), "pending")
    book(dave, at(day[7], 9), at(day[9], 8), at(day[9], 9), "pending")
    book(erin, at(day[7], 8), at(day[7], 23), at(day[8], 3, 30), "completed")
    # Bookings entered after their rental began, before the first day of the view: Frank's
    # rental runs into day 0, Gina's ended before it.
    book(frank, at(day[0], 8), at(d0 - timedelta(days=3), 9), at(day[0], 9), "completed")
    book(gina, at(day[0], 8), at(d0 - timedelta(days=5), 9), at(d0 - timedelta(days=4), 9), "completed")
    # Revenue: 1000 on day 0, a 200 refund and nothing else on day 7.
    dep = vc.payment(conn, a, alice, "deposit", "1000.00", at(day[0], 9, 30))
    vc.payment(conn, a, alice, "refund", "200.00", at(day[7], 16), refund_of=dep)
    # Balances: Alice's never paid (overdue from day 3); Bob's paid on day 5 (overdue days 2-4).
    vc.installment(conn, a, "balance", "500.00", at(day[0], 9), at(day[2], 9), status="overdue")
    vc.installment(conn, b, "balance", "300.00", at(day[0], 10), at(day[1], 9), status="paid",
                   paid_at=at(day[5], 9))
    # Insurance: Alice's never reviewed (overdue from day 2), Bob's approved on day 3, Carol's
    # expired without a review time (never overdue).
    vc.insurance(conn, a, alice, at(day[0], 9), at(day[1], 9))
    vc.insurance(conn, b, bob, at(day[0], 10), at(day[1], 9), status="approved", reviewed_at=at(day[3], 9))
    vc.insurance(conn, b, carol, at(day[0], 12), at(day[0], 13), status="expired")


def test_edge_cases_midnight_rentals_maintenance_refunds_growth_and_alerts(db):
    d0 = date(2024, 3, 2)  # day 8 is 2024-03-10, when New York moves its clocks forward
    day = [d0 + timedelta(days=n) for n in range(10)]
    with vc.transaction(db) as conn:
        add_edge_cases(conn, d0)
        snap = read(conn)
        vc.assert_rows_equal(snap.rows, expected(snap), KEY)
        rows = {r["snapshot_date"]: r for r in snap.rows}
        m = {d: rows[d]["metrics"] for d in day}
        a = {d: rows[d]["alerts"] for d in day}
        assert min(rows) == d0
        assert [m[d]["active_customers"]["value"] for d in day] == [2, 2, 0, 0, 0, 0, 0, 1, 1, 0]
        assert m[day[0]]["utilization"]["value"] == Decimal("50.00")
        assert m[day[1]]["utilization"]["value"] is None
        assert m[day[7]]["utilization"] == {"value": Decimal("8.33"), "dod_change": None, "dod_pct": None,
                                            "wow_change": Decimal("-41.67"), "wow_pct": Decimal("-83.34")}
        assert m[day[7]]["revenue"]["value"] == Decimal("-200.00")
        assert m[day[7]]["revenue"]["wow_pct"] == Decimal("-120.00")
        assert m[day[1]]["revenue"]["dod_pct"] == Decimal("-100.00")
        assert m[day[2]]["revenue"]["dod_pct"] is None  # the day before had 0
        assert m[day[7]]["bookings"]["wow_pct"] == Decimal("-50.00")
        assert m[day[0]]["bookings"]["dod_change"] is None  # the day before is not in the view
        assert [m[d]["outstanding_balances"]["value"] for d in day[:7]] == [
            Decimal(x) for x in (800, 800, 800, 800, 800, 500, 500)]
        assert [m[d]["overdue_balances"]["value"] for d in day[:7]] == [
            Decimal(x) for x in (0, 0, 300, 800, 800, 500, 500)]
        assert [m[d]["insurance_overdue"]["value"] for d in day[:5]] == [0, 0, 2, 1, 1]
        assert a[day[7]] == {"bookings_drop": True, "revenue_drop": True, "low_utilization": True,
                             "overdue_balance_high": True, "insurance_overdue": True}
        assert a[day[1]] == {"bookings_drop": False, "revenue_drop": False, "low_utilization": False,
                             "overdue_balance_high": False, "insurance_overdue": False}
        assert_bundles_follow_the_contracts(snap.rows)

        # Thresholds are settings: moving them flips the flags, and the oracle follows.
        vc.set_setting(conn, "kpi_low_utilization_pct", "8")
        vc.set_setting(conn, "kpi_bookings_drop_pct", "60")
        vc.set_setting(conn, "kpi_insurance_overdue_count", "2")
        snap = read(conn)
        vc.assert_rows_equal(snap.rows, expected(snap), KEY)
        rows = {r["snapshot_date"]: r for r in snap.rows}
        assert not rows[day[7]]["alerts"]["low_utilization"]
        assert not rows[day[7]]["alerts"]["bookings_drop"]
        assert [rows[d]["alerts"]["insurance_overdue"] for d in day[1:4]] == [False, True, False]
        found = conn.execute(
            "SELECT snapshot_date FROM analytics.mv_dashboard_kpis "
            "WHERE alerts @> '{\"revenue_drop\": true}' ORDER BY 1").fetchall()
        assert day[7] in [f["snapshot_date"] for f in found]


def test_dashboard_figures_agree_with_revenue_trends_and_financial_summary(sample_db):
    with vc.transaction(sample_db) as conn:
        kpis = read(conn).rows
        revenue = vc.refresh_and_read(conn, "mv_revenue_trends", ("bucket_date",), ()).rows
        finance = vc.refresh_and_read(conn, "mv_financial_summary", ("snapshot_date",), ()).rows
    net = {r["bucket_date"]: r["net_revenue"] for r in revenue}
    ar = {r["snapshot_date"]: (r["ar_balance"], r["ar_overdue"]) for r in finance}
    for row in kpis:
        m, d = row["metrics"], row["snapshot_date"]
        assert m["revenue"]["value"] == net.get(d, 0), d
        if d in ar:
            assert (m["outstanding_balances"]["value"], m["overdue_balances"]["value"]) == ar[d], d
