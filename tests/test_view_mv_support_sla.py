"""analytics.mv_support_sla against an independent computation in plain Python."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_support_sla"
KEY = ("bucket_date",)
TABLES = ("support_tickets", "notifications")
PRIORITIES = ("low", "normal", "high", "urgent")


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def closed_at(t):
    end = t["resolved_at"]
    if end is None and t["status"] in ("resolved", "closed"):
        end = t["updated_at"]
    return None if end is None else max(end, t["created_at"])


def expected(snap: Snapshot) -> list[dict]:
    tickets = snap.sources["support_tickets"]
    if not tickets:
        return []
    day_of = snap.local_day
    sla = {p: snap.hours(f"sla_first_response_hours_{p}") for p in PRIORITIES}
    created = Counter(day_of(t["created_at"]) for t in tickets)
    resolved = Counter(day_of(closed_at(t)) for t in tickets if closed_at(t) is not None)
    answered = Counter(day_of(t["first_response_at"]) for t in tickets if t["first_response_at"])
    breaches = Counter()
    for t in tickets:
        deadline = t["created_at"] + sla[t["priority"]]
        response = t["first_response_at"]
        if deadline < snap.now and (response is None or response > deadline):
            breaches[day_of(deadline)] += 1
    sent = Counter(
        day_of(n["sent_at"]) for n in snap.sources["notifications"]
        if n["ticket_id"] is not None and n["status"] == "sent" and n["sent_at"] is not None
    )
    rows = []
    day = min(created)
    while day <= snap.today:
        end = snap.midnight(day + timedelta(days=1))
        open_now = Counter(
            t["priority"] for t in tickets
            if t["created_at"] < end and not (closed_at(t) is not None and closed_at(t) < end)
        )
        rows.append({
            "bucket_date": day,
            "tickets_created": created[day],
            "tickets_resolved": resolved[day],
            "first_responses": answered[day],
            "open_tickets": sum(open_now.values()),
            "priority_counts": {p: open_now[p] for p in PRIORITIES},
            "sla_breaches": breaches[day],
            "notifications_sent": sent[day],
        })
        day += timedelta(days=1)
    return rows


def test_support_sla_matches_an_independent_computation_on_generated_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert snap.rows and any(r["sla_breaches"] for r in snap.rows)
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_every_priority_counts_of_the_generated_data_follows_its_contract(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    for r in snap.rows:
        assert vc.contract_errors("mv_support_sla.priority_counts.schema.json", r["priority_counts"]) == []
        assert sum(r["priority_counts"].values()) == r["open_tickets"]


def test_support_sla_is_empty_without_tickets(db):
    with vc.transaction(db) as conn:
        snap = read(conn)
    assert snap.rows == []


def test_support_sla_edge_cases_match_an_independent_computation(db):
    with vc.transaction(db) as conn:
        vc.set_setting(conn, "sla_first_response_hours_high", "0.5")
        now, today, at = vc.clock(conn)
        customer = vc.user(conn)

        def ticket(created_at, priority="normal", status="open", **kw):
            kw.setdefault("updated_at", created_at)
            return vc.insert(conn, "support_tickets", user_id=customer, subject="help", priority=priority,
                             status=status, created_at=created_at, **kw)

        # answered exactly at the SLA deadline: on time; a microsecond later: a breach
        ticket(at(6, 9), first_response_at=at(5, 9), status="resolved", resolved_at=at(5, 10))
        ticket(at(6, 9), first_response_at=at(5, 9) + vc.MICROSECOND, status="resolved",
               resolved_at=at(5, 10))
        # still unanswered, deadline exactly now: not (yet) a breach; a microsecond ago: a breach
        ticket(now - timedelta(hours=24))
        ticket(now - timedelta(hours=24, microseconds=1))
        # the SLA of high priority comes from the setting: 30 minutes
        ticket(at(4, 23, 50), priority="high", first_response_at=at(3, 0, 25))
        ticket(at(4, 23, 50), priority="high", first_response_at=at(3, 0, 15), status="pending")
        # opened 23:30, resolved 00:30 the next local day: open at the end of the first day
        ticket(at(10, 23, 30), priority="urgent", first_response_at=at(10, 23, 40), status="resolved",
               resolved_at=at(9, 0, 30))
        # closed without resolved_at: closed when last updated
        ticket(at(10, 8), priority="low", first_response_at=at(10, 9), status="closed",
               updated_at=at(8, 12))
        # resolved within the hour it opened
        ticket(at(7, 8), priority="low", first_response_at=at(7, 9), status="resolved",
               resolved_at=at(7, 9, 30))
        # low priority, unanswered for 4 days: its breach is on the day its 72 h ran out
        ticket(at(4, 12), priority="low")
        # day 2 has no tickets at all (a row of zeros, open counts carried)
        t = ticket(at(3, 12), priority="urgent", first_response_at=at(3, 12, 30))
        for status, sent_at in [("sent", at(3, 12, 30)), ("sent", at(3, 23, 59)), ("queued", None),
                                ("failed", None)]:
            vc.insert(conn, "notifications", user_id=customer, ticket_id=t, channel="email",
                      kind="ticket_reply", status=status, created_at=at(3, 12, 30), sent_at=sent_at)
        vc.insert(conn, "notifications", user_id=customer, channel="email", kind="booking_reminder",
                  status="sent", created_at=at(3, 12), sent_at=at(3, 12))
        snap = read(conn)

    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {(today - r["bucket_date"]).days: r for r in snap.rows}
    assert sorted(rows) == list(range(11))
    assert rows[5]["sla_breaches"] == 1  # the microsecond-late answer
    assert rows[3]["sla_breaches"] == 1  # the high-priority ticket answered after 35 minutes
    assert rows[0]["sla_breaches"] + rows[1]["sla_breaches"] == 2  # 24 h + 1 us, and 72 h
    assert rows[3]["notifications_sent"] == 2
    assert rows[10]["priority_counts"]["urgent"] == 1 and rows[9]["priority_counts"]["urgent"] == 0
    assert rows[2]["tickets_created"] == rows[2]["tickets_resolved"] == 0
    assert rows[2]["open_tickets"] == rows[3]["open_tickets"] == 4
