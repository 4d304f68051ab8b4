"""analytics.mv_equipment_utilization against an independent computation in plain Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_equipment_utilization"
KEY = ("snapshot_date", "equipment_id")
TABLES = ("equipment", "equipment_utilization", "bookings", "equipment_maintenance")
HELD = {"confirmed", "active", "completed"}


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def touched_days(snap: Snapshot, start: datetime, end: datetime) -> list:
    """The local days [start, end) has an instant in, walking day by day."""
    days, day = [], snap.local_day(start)
    while snap.midnight(day) < end:
        days.append(day)
        day += timedelta(days=1)
    return days


def expected(snap: Snapshot) -> list[dict]:
    src = snap.sources
    today = snap.today
    first_day = today - timedelta(days=int(snap.settings["utilization_lookback_days"]) - 1)
    if src["equipment_utilization"]:
        first_day = max(first_day, min(u["usage_date"] for u in src["equipment_utilization"]))
    telemetry = {(u["equipment_id"], u["usage_date"]): u for u in src["equipment_utilization"]}

    revenue: dict[tuple, Decimal] = defaultdict(Decimal)
    for b in src["bookings"]:
        if b["status"] not in HELD:
            continue
        days = touched_days(snap, b["start_at"], b["end_at"])
        share = vc.round_half_up(b["total_amount"] / len(days))
        for d in days:
            revenue[(b["equipment_id"], d)] += share

    jobs = defaultdict(list)
    for m in src["equipment_maintenance"]:
        jobs[m["equipment_id"]].append(m)

    rows = []
    for e in src["equipment"]:
        if e["acquired_at"] > today:
            continue
        day = max(first_day, e["acquired_at"])
        while day <= today:
            start, end = snap.midnight(day), snap.midnight(day + timedelta(days=1))
            t = telemetry.get((e["id"], day))
            used = t["hours_used"] if t else None
            available = t["hours_available"] if t else None
            in_shop = any(
                m["status"] != "cancelled" and m["started_at"] is not None
                and (m["completed_at"] is None or m["completed_at"] > m["started_at"])
                and m["started_at"] < end and (m["completed_at"] is None or m["completed_at"] > start)
                for m in jobs[e["id"]]
            )
            done = [
                m for m in jobs[e["id"]]
                if m["status"] == "completed" and m["completed_at"] is not None and m["completed_at"] < end
            ]
            last = max(done, key=lambda m: (m["completed_at"], m["id"])) if done else None
            due_at = last["next_due_at"] if last else None
            rows.append({
                "snapshot_date": day,
                "equipment_id": e["id"],
                "category": e["category"],
                "hours_used": used,
                "hours_available": available,
                "utilization_pct": vc.round_half_up(100 * used / available) if available else None,
                "rented_days": 1 if (e["id"], day) in revenue else 0,
                "revenue": revenue.get((e["id"], day), Decimal(0)),
                "under_maintenance": in_shop,
                "maintenance_due_at": due_at,
                "maintenance_due": due_at is not None and due_at < end,
            })
            day += timedelta(days=1)
    return rows


def test_equipment_utilization_matches_an_independent_computation_on_generated_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert snap.rows, "the sample data set should give rows"
    assert any(r["rented_days"] for r in snap.rows) and any(r["under_maintenance"] for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_equipment_utilization_edge_cases_match_an_independent_computation(db):
    with vc.transaction(db) as conn:
        vc.set_setting(conn, "utilization_lookback_days", "20")
        _, today, at = vc.clock(conn)

        customer = vc.user(conn)
        # telemetry from 30 days ago: the lookback (20 days) bounds the period
        worked = vc.machine(conn, today - timedelta(days=400), name="Worked")
        for n in range(30):
            vc.utilization(conn, worked, today - timedelta(days=n), "3.33" if n != 5 else 0,
                           24 if n != 5 else 0)
        # a booking that crosses local midnight (22:00 -> 02:00): rented on both days,
        # revenue 100.01 split in two equal rounded shares
        vc.booking(conn, customer, worked, at(10, 22), at(9, 2), total_amount=Decimal("100.01"))
        # a booking ending exactly at local midnight does not touch the next day
        vc.booking(conn, customer, worked, at(7, 8), at(6, 0), total_amount=Decimal("50.00"))
        # two bookings on one day; a cancelled, a pending and a no-show one do not count
        vc.booking(conn, customer, worked, at(4, 8), at(4, 12), total_amount=Decimal("10.00"))
        vc.booking(conn, customer, worked, at(4, 13), at(4, 17), total_amount=Decimal("20.00"))
        vc.booking(conn, customer, worked, at(3, 8), at(3, 17), status="cancelled")
        vc.booking(conn, customer, worked, at(2, 8), at(2, 17), status="no_show")
        vc.booking(conn, customer, worked, at(-1, 8), at(-2, 17), status="pending")
        # a long booking that began before the period: its share counts every touched day
        vc.booking(conn, customer, worked, at(25, 9), at(15, 9), total_amount=Decimal("1000.00"))
        # a booking that is active now and ends in the future
        vc.booking(conn, customer, worked, at(1, 9), at(-3, 9), status="active",
                   total_amount=Decimal("70.00"))
        # maintenance history: a service completed 12 days ago, next one due 5 days ago
        vc.insert(conn, "equipment_maintenance", id=UUID(int=2**128 - 1), equipment_id=worked,
                  kind="service", status="completed",
                  scheduled_for=at(12, 8), started_at=at(12, 8), completed_at=at(12, 9),
                  next_due_at=at(5, 0))
        # an inspection completed at the same instant with a later due date: ties break by id
        vc.insert(conn, "equipment_maintenance", id=UUID(int=1), equipment_id=worked, kind="inspection",
                  status="completed", scheduled_for=at(12, 8), started_at=at(12, 8),
                  completed_at=at(12, 9), next_due_at=at(-30, 0))
        # a cancelled and a zero-length job do not put the machine in the shop
        vc.insert(conn, "equipment_maintenance", equipment_id=worked, kind="repair", status="cancelled",
                  scheduled_for=at(8, 8), started_at=at(8, 8), completed_at=at(8, 12))
        vc.insert(conn, "equipment_maintenance", equipment_id=worked, kind="repair", status="completed",
                  scheduled_for=at(14, 8), started_at=at(14, 8), completed_at=at(14, 8))

        # equipment under maintenance the whole period: a repair open since before it
        in_shop = vc.machine(conn, today - timedelta(days=400), name="In the shop", status="maintenance")
        vc.insert(conn, "equipment_maintenance", equipment_id=in_shop, kind="repair",
                  status="in_progress", scheduled_for=at(60, 8), started_at=at(60, 8))

        # a machine acquired 3 days ago: rows from its acquisition only; one acquired in
        # the future: no rows
        vc.machine(conn, today - timedelta(days=3), name="New")
        vc.machine(conn, today + timedelta(days=3), name="Not yet")

        snap = read(conn)

    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {(r["equipment_id"], (snap.today - r["snapshot_date"]).days): r for r in snap.rows}
    assert len(snap.rows) == 20 + 20 + 4
    assert rows[(worked, 10)]["revenue"] == rows[(worked, 9)]["revenue"] == Decimal("50.01")
    assert rows[(worked, 7)]["rented_days"] == 1 and rows[(worked, 6)]["rented_days"] == 0
    assert rows[(worked, 4)]["revenue"] == Decimal("30.00")
    assert rows[(worked, 3)]["rented_days"] == rows[(worked, 2)]["rented_days"] == 0
    assert rows[(worked, 19)]["revenue"] == Decimal("90.91")  # 1000.00 over 11 days
    assert rows[(worked, 5)]["utilization_pct"] is None and rows[(worked, 4)]["utilization_pct"] == Decimal(
        "13.88")
    assert rows[(worked, 13)]["maintenance_due_at"] is None
    assert [n for n in range(20) if rows[(worked, n)]["maintenance_due"]] == [0, 1, 2, 3, 4, 5]
    assert [n for n in range(20) if rows[(worked, n)]["under_maintenance"]] == [12]
    assert all(rows[(in_shop, n)]["under_maintenance"] and rows[(in_shop, n)]["rented_days"] == 0
               for n in range(20))
