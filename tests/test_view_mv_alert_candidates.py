"""analytics.mv_alert_candidates against an independent computation in plain Python, and
its payloads against their contract (contracts/mv_alert_candidates.payload.schema.json)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_alert_candidates"
KEY = ("alert_type", "entity_id")
TABLES = ("equipment", "equipment_utilization", "insurance_documents", "bookings", "support_tickets")
CONTRACT = "mv_alert_candidates.payload.schema.json"


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def low_utilization(snap: Snapshot) -> list[dict]:
    s = snap.settings
    yesterday = snap.today - timedelta(days=1)
    width = int(s["alert_low_utilization_window_days"])
    scan_start = yesterday - timedelta(days=int(s["alert_low_utilization_history_days"]) - 1)
    low = snap.number("alert_low_utilization_pct")
    critical = snap.number("alert_low_utilization_critical_pct")
    telemetry = {(u["equipment_id"], u["usage_date"]): u for u in snap.sources["equipment_utilization"]}
    days_with_rows = defaultdict(list)
    for machine, day in telemetry:
        days_with_rows[machine].append(day)
    rows = []
    for e in snap.sources["equipment"]:
        if e["status"] in ("maintenance", "retired") or e["acquired_at"] > yesterday:
            continue

        def window(end: date, e=e) -> tuple[Decimal, Decimal]:
            """(hours used, hours available) of the telemetry rows of the window ending on `end`."""
            days = [telemetry.get((e["id"], end - timedelta(days=n))) for n in range(width)]
            return (sum((u["hours_used"] for u in days if u), Decimal(0)),
                    sum((u["hours_available"] for u in days if u), Decimal(0)))

        def below(end: date, e=e) -> bool:
            used, available = window(end)
            judged = end - timedelta(days=width - 1) >= e["acquired_at"]
            return judged and available > 0 and 100 * used < low * available

        if not below(yesterday):
            continue
        # earlier windows end on the days that have a telemetry row
        ends = sorted(d for d in days_with_rows[e["id"]] if scan_start <= d <= yesterday)
        since = yesterday
        for d in reversed(ends):
            if not below(d):
                break
            since = d
        used, available = window(yesterday)
        rows.append({
            "alert_type": "low_utilization",
            "entity_id": e["id"],
            "detected_at": snap.midnight(since + timedelta(days=1)),
            "severity": "critical" if 100 * used < critical * available else "warning",
            "payload": {
                "alert_type": "low_utilization",
                "equipment_id": str(e["id"]),
                "equipment_name": e["name"],
                "category": e["category"],
                "window_days": width,
                "window_start": (yesterday - timedelta(days=width - 1)).isoformat(),
                "window_end": yesterday.isoformat(),
                "hours_used": used,
                "hours_available": available,
                "utilization_pct": vc.round_half_up(100 * used / available),
                "threshold_pct": low,
                "critical_pct": critical,
                "below_since": since.isoformat(),
            },
        })
    return rows


def overdue_insurance(snap: Snapshot) -> list[dict]:
    grace = snap.hours("insurance_overdue_grace_hours")
    critical = snap.hours("insurance_overdue_critical_hours")
    bookings = {b["id"]: b for b in snap.sources["bookings"]}
    rows = []
    for i in snap.sources["insurance_documents"]:
        b = bookings[i["booking_id"]]
        if i["status"] != "pending" or b["status"] not in ("pending", "confirmed", "active"):
            continue
        if not i["due_at"] + grace < snap.now:
            continue
        rows.append({
            "alert_type": "overdue_insurance",
            "entity_id": i["id"],
            "detected_at": i["due_at"] + grace,
            "severity": "critical" if i["due_at"] + critical < snap.now else "warning",
            "payload": {
                "alert_type": "overdue_insurance",
                "insurance_document_id": str(i["id"]),
                "booking_id": str(b["id"]),
                "user_id": str(i["user_id"]),
                "equipment_id": str(b["equipment_id"]),
                "booking_status": b["status"],
                "booking_start_at": vc.utc_text(b["start_at"]),
                "submitted_at": vc.utc_text(i["submitted_at"]),
                "due_at": vc.utc_text(i["due_at"]),
                "grace_hours": snap.number("insurance_overdue_grace_hours"),
                "critical_hours": snap.number("insurance_overdue_critical_hours"),
                "critical_at": vc.utc_text(i["due_at"] + critical),
            },
        })
    return rows


def sla_breaches(snap: Snapshot) -> list[dict]:
    factor = snap.number("alert_sla_breach_critical_factor")
    rows = []
    for t in snap.sources["support_tickets"]:
        key = f"sla_first_response_hours_{t['priority']}"
        due, critical_at = t["created_at"] + snap.hours(key), t["created_at"] + snap.hours(key, factor)
        if t["status"] not in ("open", "pending") or t["first_response_at"] is not None or not due < snap.now:
            continue
        rows.append({
            "alert_type": "sla_breach",
            "entity_id": t["id"],
            "detected_at": due,
            "severity": "critical" if critical_at < snap.now else "warning",
            "payload": {
                "alert_type": "sla_breach",
                "ticket_id": str(t["id"]),
                "user_id": str(t["user_id"]),
                "booking_id": None if t["booking_id"] is None else str(t["booking_id"]),
                "equipment_id": None if t["equipment_id"] is None else str(t["equipment_id"]),
                "priority": t["priority"],
                "ticket_status": t["status"],
                "created_at": vc.utc_text(t["created_at"]),
                "sla_hours": snap.number(key),
                "sla_due_at": vc.utc_text(due),
                "critical_at": vc.utc_text(critical_at),
            },
        })
    return rows


def expected(snap: Snapshot) -> list[dict]:
    return low_utilization(snap) + overdue_insurance(snap) + sla_breaches(snap)


def assert_payloads_follow_the_contract(rows: list[dict]) -> None:
    for r in rows:
        errors = vc.contract_errors(CONTRACT, r["payload"])
        assert not errors, f"{r['alert_type']} {r['entity_id']}: {errors}"
        assert r["payload"]["alert_type"] == r["alert_type"]


def test_alert_candidates_match_an_independent_computation_on_generated_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    # which insurance and SLA alerts are current depends on the time of day the test runs
    # (the sample's "now" is noon of as_of); the edge cases below cover every alert type
    assert any(r["alert_type"] == "low_utilization" for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_every_alert_payload_of_the_generated_data_follows_its_contract(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert_payloads_follow_the_contract(snap.rows)


def test_the_contract_refuses_a_payload_of_the_wrong_shape():
    assert vc.contract_errors(CONTRACT, {"alert_type": "sla_breach", "ticket_id": "x"})
    assert vc.contract_errors(CONTRACT, {"alert_type": "fire"})
    low = {
        "alert_type": "low_utilization", "equipment_id": "00000000-0000-0000-0000-000000000001",
        "equipment_name": "x", "category": "x", "window_days": 14, "window_start": "2025-01-01",
        "window_end": "2025-01-14", "hours_used": 1, "hours_available": 100, "utilization_pct": 1,
        "threshold_pct": 10, "critical_pct": 2, "below_since": "2025-01-10",
    }
    assert vc.contract_errors(CONTRACT, low) == []
    assert vc.contract_errors(CONTRACT, {**low, "alert_type": "sla_breach"})
    assert vc.contract_errors(CONTRACT, {**low, "extra": 1})


EDGE_SETTINGS = {
    "alert_low_utilization_window_days": "7", "alert_low_utilization_pct": "25",
    "alert_low_utilization_critical_pct": "10", "alert_low_utilization_history_days": "20",
}


def add_edge_cases(conn, now, today) -> dict[str, object]:
    """Hand-made alert conditions around every threshold; returns named ids."""
    for key, value in EDGE_SETTINGS.items():
        vc.set_setting(conn, key, value)
    ids: dict[str, object] = {}
    customer = vc.user(conn)

    def fleet_machine(name, daily_used, days=40, available=Decimal(24), **kw):
        kw.setdefault("acquired_at", today - timedelta(days=500))
        m = vc.machine(conn, name=name, **kw)
        for n in range(1, days + 1):
            vc.utilization(conn, m, today - timedelta(days=n), daily_used(n), available)
        ids[name] = m
        return m

    # 1 h a day for the last 11 days, 20 h before: windows ending 1..6 days ago are below
    # 25% (the one ending 6 days ago: 26/168), the one ending 7 days ago is not (45/168)
    fleet_machine("recently idle", lambda n: Decimal(1) if n <= 11 else Decimal(20))
    # low all along: the run reaches back to the start of the scan (history: 20 days)
    fleet_machine("always idle", lambda n: Decimal("4.00"))
    # exactly at the threshold (25%): not low; just under the critical 10%: critical
    fleet_machine("at threshold", lambda n: Decimal(6))
    fleet_machine("just critical", lambda n: Decimal("2.39"))
    # no hours available at all: no judgement
    fleet_machine("no hours", lambda n: Decimal(0), available=Decimal(0))
    # in the shop or retired: never low utilization
    fleet_machine("in the shop", lambda n: Decimal(0), status="maintenance")
    fleet_machine("retired", lambda n: Decimal(0), status="retired")
    # acquired 3 days ago: its first full window is not complete yet
    fleet_machine("new", lambda n: Decimal(0), days=3, acquired_at=today - timedelta(days=3))
    # no telemetry yesterday (ingestion late): the window sums what there is
    fleet_machine("late telemetry", lambda n: Decimal(0) if n != 1 else Decimal(24), days=40)
    conn.execute("DELETE FROM public.equipment_utilization WHERE equipment_id = %s AND usage_date = %s",
                 [ids["late telemetry"], today - timedelta(days=1)])

    machine = ids["recently idle"]

    def doc(name, due_at, status="pending", booking_status="confirmed"):
        b = vc.booking(conn, customer, machine, now + timedelta(days=2), now + timedelta(days=3),
                       status=booking_status)
        reviewed_at = None if status == "pending" else due_at - timedelta(days=1)
        ids[name] = vc.insurance(conn, b, customer, due_at - timedelta(days=2), due_at, status=status,
                                 reviewed_at=reviewed_at)

    # pending exactly 24 h past due: not yet overdue; a microsecond more: overdue
    doc("due 24h ago", now - timedelta(hours=24))
    doc("due 24h 1us ago", now - timedelta(hours=24, microseconds=1))
    doc("due 100h ago", now - timedelta(hours=100), booking_status="active")
    doc("approved", now - timedelta(hours=100), status="approved")
    doc("cancelled booking", now - timedelta(hours=100), booking_status="cancelled")
    doc("completed booking", now - timedelta(hours=100), booking_status="completed")

    def ticket(name, created_at, priority="normal", status="open", **kw):
        ids[name] = vc.insert(conn, "support_tickets", user_id=customer, subject="help", priority=priority,
                              status=status, created_at=created_at, **kw)

    # unanswered exactly 24 h (normal SLA): not a breach; a microsecond more: a breach
    ticket("24h", now - timedelta(hours=24))
    ticket("24h 1us", now - timedelta(hours=24, microseconds=1), booking_id=None, equipment_id=machine)
    # urgent (1 h SLA) unanswered for 3 h: critical after 2 x 1 h; waiting on the customer
    ticket("urgent 3h", now - timedelta(hours=3), priority="urgent", status="pending")
    # answered late, still open: no longer a current alert; resolved unanswered: none
    ticket("answered late", now - timedelta(hours=90), first_response_at=now - timedelta(hours=30))
    ticket("resolved", now - timedelta(hours=90), status="resolved", resolved_at=now - timedelta(hours=1))
    return ids


def test_alert_candidates_edge_cases_match_an_independent_computation(db):
    with vc.transaction(db) as conn:
        now, today, at = vc.clock(conn)
        ids = add_edge_cases(conn, now, today)
        snap = read(conn)

    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    assert_payloads_follow_the_contract(snap.rows)
    found = {r["entity_id"]: r for r in snap.rows}
    name = {v: k for k, v in ids.items()}
    assert sorted(name[e] for e in found) == sorted([
        "recently idle", "always idle", "just critical", "late telemetry",
        "due 24h 1us ago", "due 100h ago", "24h 1us", "urgent 3h",
    ])
    idle = found[ids["recently idle"]]
    assert idle["payload"]["below_since"] == (today - timedelta(days=6)).isoformat()
    assert idle["detected_at"] == at(5, 0) and idle["severity"] == "critical"
    assert found[ids["always idle"]]["payload"]["below_since"] == (today - timedelta(days=20)).isoformat()
    assert found[ids["always idle"]]["severity"] == "warning"
    assert found[ids["due 24h 1us ago"]]["severity"] == "warning"
    assert found[ids["due 100h ago"]]["severity"] == "critical"
    assert found[ids["urgent 3h"]]["severity"] == "critical"
    assert found[ids["24h 1us"]]["detected_at"] == now - timedelta(microseconds=1)


def test_alert_rows_do_not_change_between_refreshes_while_the_data_does_not(db):
    """detected_at comes from the data and payloads hold nothing relative to now(): a
    second refresh, later, rewrites no row (the edge cases far from their thresholds)."""
    with vc.transaction(db) as conn:
        now, today, at = vc.clock(conn)
        add_edge_cases(conn, now - timedelta(minutes=30), today)
        conn.commit()
    with vc.transaction(db) as conn:
        first = read(conn).rows
        conn.commit()
    with vc.transaction(db) as conn:
        conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.mv_alert_candidates")
        second = conn.execute("SELECT * FROM analytics.mv_alert_candidates ORDER BY alert_type, entity_id")
        assert second.fetchall() == first
