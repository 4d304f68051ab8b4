"""analytics.mv_booking_trends against an independent computation in plain Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from . import view_oracle as vc
from .view_oracle import Snapshot

VIEW = "mv_booking_trends"
KEY = ("bucket_date",)
TABLES = ("bookings", "insurance_documents")
STATUSES = ("pending", "confirmed", "active", "completed", "cancelled", "no_show")


def read(conn) -> Snapshot:
    return vc.refresh_and_read(conn, VIEW, KEY, TABLES)


def expected(snap: Snapshot) -> list[dict]:
    src, day_of = snap.sources, snap.local_day
    latest = {}
    by_time = sorted(src["insurance_documents"], key=lambda x: (x["submitted_at"], x["created_at"], x["id"]))
    for doc in by_time:
        latest[doc["booking_id"]] = doc["status"]
    made = defaultdict(list)
    for b in src["bookings"]:
        made[day_of(b["created_at"])].append(b)
    cancelled = Counter(day_of(b["cancelled_at"]) for b in src["bookings"] if b["cancelled_at"])
    out = []
    for d in vc.calendar(list(made) + list(cancelled), snap.today):
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


def test_booking_trends_match_an_independent_computation_on_sample_data(sample_db):
    with vc.transaction(sample_db) as conn:
        snap = read(conn)
    assert sum(r["bookings_created"] for r in snap.rows) > 0
    assert sum(r["cancellations"] for r in snap.rows) > 0
    vc.assert_rows_equal(snap.rows, expected(snap), KEY)


def test_edge_cases_late_evening_booking_empty_day_cancelled_first_booking_and_insurance(db):
    d1 = date(2024, 3, 9)  # New York: March 10 is a 23-hour day
    d2, d3 = d1 + timedelta(days=1), d1 + timedelta(days=2)
    with vc.transaction(db) as conn:
        _, _, at = vc.clock(conn)
        e = vc.machine(conn)
        alice, bob, carol = (vc.user(conn, at(d1, 8)) for _ in range(3))
        # Created 23:30 on d1 in New York (04:30 UTC on d2), rental crossing midnight.
        late = vc.booking(conn, alice, e, at(d1, 22), at(d2, 2), created_at=at(d1, 23, 30))
        vc.insurance(conn, late, alice, at(d1, 23, 40), at(d1, 21), status="rejected",
                     reviewed_at=at(d1, 23, 50))
        vc.insurance(conn, late, alice, at(d1, 23, 55), at(d1, 21), status="approved",
                     reviewed_at=at(d1, 23, 58))
        # Bob's first booking is cancelled on d3; his insurance no longer counts.
        first = vc.booking(conn, bob, e, at(d3, 9), at(d3, 17), status="cancelled",
                           created_at=at(d1, 9), cancelled_at=at(d3, 8))
        vc.insurance(conn, first, bob, at(d1, 10), at(d3, 8))
        # d2: no bookings at all. d3: one pending insurance, one booking without any, a no-show.
        waiting = vc.booking(conn, bob, e, at(d3, 12), at(d3, 18), status="confirmed", created_at=at(d3, 10))
        vc.insurance(conn, waiting, bob, at(d3, 10), at(d3, 11))
        vc.booking(conn, carol, e, at(d3, 12), at(d3, 18), status="pending", created_at=at(d3, 11))
        gone = vc.booking(conn, carol, e, at(d3, 13), at(d3, 14), status="no_show", created_at=at(d3, 12))
        vc.insurance(conn, gone, carol, at(d3, 12), at(d3, 13))
        snap = read(conn)

    vc.assert_rows_equal(snap.rows, expected(snap), KEY)
    rows = {r["bucket_date"]: r for r in snap.rows}
    assert rows[d1]["bookings_created"] == 2
    assert rows[d1]["insurance_approved"] == 1 and rows[d1]["insurance_rejected"] == 0
    assert rows[d1]["insurance_pending"] == 0
    assert rows[d2]["bookings_created"] == 0 and rows[d2]["status_counts"]["cancelled"] == 0
    assert rows[d3]["cancellations"] == 1 and rows[d3]["no_shows"] == 1
    assert rows[d3]["insurance_pending"] == 1 and rows[d3]["insurance_missing"] == 1
