"""analytics.mv_booking_trends against an independent computation in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from .viewcheck import (
    Rows,
    assert_rows_equal,
    business_tz,
    calendar,
    local_day,
    open_conn,
    read_sources,
    refresh_and_read,
)

VIEW, KEY = "mv_booking_trends", "bucket_date"
STATUSES = ("pending", "confirmed", "active", "completed", "cancelled", "no_show")


def expected_rows(src: dict, tz, today: date) -> list[dict]:
    latest = {}
    by_time = sorted(src["insurance_documents"], key=lambda x: (x["submitted_at"], x["created_at"], x["id"]))
    for doc in by_time:
        latest[doc["booking_id"]] = doc["status"]
    made = defaultdict(list)
    for b in src["bookings"]:
        made[local_day(b["created_at"], tz)].append(b)
    cancelled = Counter(local_day(b["cancelled_at"], tz) for b in src["bookings"] if b["cancelled_at"])
    out = []
    for d in calendar(list(made) + list(cancelled), today):
        going = [b for b in made[d] if b["status"] not in ("cancelled", "no_show")]
        counts = {s: sum(1 for b in made[d] if b["status"] == s) for s in STATUSES}
        out.append(dict(
            bucket_date=d,
            bookings_created=len(made[d]),
            status_counts=counts,
            cancellations=cancelled.get(d, 0),
            no_shows=counts["no_show"],
            **{f"insurance_{s}": sum(1 for b in going if latest.get(b["id"]) == s)
               for s in ("pending", "approved", "rejected", "expired")},
            insurance_missing=sum(1 for b in going if b["id"] not in latest),
        ))
    return out


def check(url: str) -> list[dict]:
    with open_conn(url) as conn:
        tz = business_tz(conn)
        src = read_sources(conn, ["bookings", "insurance_documents"])
        rows, now = refresh_and_read(conn, VIEW, KEY)
    assert_rows_equal(rows, expected_rows(src, tz, now.astimezone(tz).date()), KEY)
    return rows


def test_booking_trends_match_an_independent_computation_on_sample_data(sample_db):
    rows = check(sample_db)
    assert sum(r["bookings_created"] for r in rows) > 0
    assert sum(r["cancellations"] for r in rows) > 0


def test_edge_cases_late_evening_booking_empty_day_cancelled_first_booking_and_insurance(db):
    d1 = date(2024, 3, 9)  # New York: March 10 is a 23-hour day
    d2, d3 = d1 + timedelta(days=1), d1 + timedelta(days=2)
    with open_conn(db) as conn:
        r = Rows(conn, business_tz(conn))
        e = r.equipment()
        alice, bob, carol = (r.user(r.at(d1, 8)) for _ in range(3))
        # Created 23:30 on d1 in New York (04:30 UTC on d2), rental crossing midnight.
        late = r.booking(alice, e, r.at(d1, 23, 30), r.at(d1, 22), r.at(d2, 2), status="completed")
        r.insurance(late, alice, r.at(d1, 23, 40), r.at(d1, 21), status="rejected",
                    reviewed_at=r.at(d1, 23, 50))
        r.insurance(late, alice, r.at(d1, 23, 55), r.at(d1, 21), status="approved",
                    reviewed_at=r.at(d1, 23, 58))
        # Bob's first booking is cancelled on d3; his insurance no longer counts.
        first = r.booking(bob, e, r.at(d1, 9), r.at(d3, 9), r.at(d3, 17), status="cancelled",
                          cancelled_at=r.at(d3, 8))
        r.insurance(first, bob, r.at(d1, 10), r.at(d3, 8))
        # d2: no bookings at all. d3: one pending insurance, one booking without any, a no-show.
        waiting = r.booking(bob, e, r.at(d3, 10), r.at(d3, 12), r.at(d3, 18), status="confirmed")
        r.insurance(waiting, bob, r.at(d3, 10), r.at(d3, 11))
        r.booking(carol, e, r.at(d3, 11), r.at(d3, 12), r.at(d3, 18), status="pending")
        gone = r.booking(carol, e, r.at(d3, 12), r.at(d3, 13), r.at(d3, 14), status="no_show")
        r.insurance(gone, carol, r.at(d3, 12), r.at(d3, 13))
    rows = {r["bucket_date"]: r for r in check(db)}
    assert rows[d1]["bookings_created"] == 2
    assert rows[d1]["insurance_approved"] == 1 and rows[d1]["insurance_rejected"] == 0
    assert rows[d1]["insurance_pending"] == 0
    assert rows[d2]["bookings_created"] == 0 and rows[d2]["status_counts"]["cancelled"] == 0
    assert rows[d3]["cancellations"] == 1 and rows[d3]["no_shows"] == 1
    assert rows[d3]["insurance_pending"] == 1 and rows[d3]["insurance_missing"] == 1
