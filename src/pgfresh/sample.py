"""Sample data: a deterministic, realistic equipment-rental business (``pgfresh sample``).

Fills the 16 reference tables of ``schema/`` with about two years of business ending at
the reference instant ``now`` = noon (business time zone) of ``as_of``. The same
``scale``, ``seed``, ``as_of`` and time zone give the same rows, ids included: every
random choice comes from ``random.Random`` streams seeded from ``seed``, and every
timestamp derives from ``as_of`` (never from the wall clock or a column default).

What the data models (the invariants tests and views may rely on):

- Demand: rental starts per local day follow seasonality (summer peak, winter low),
  weekdays (Friday/Saturday busy, Sunday quiet), growth over the two years and a few
  holidays. Scale 1 is about 100,000 bookings.
- Bookings: one machine, one customer; start/end at local business hours (half days,
  single days, overnight rentals that cross local midnight, multi-day to multi-month);
  bookings of one machine that were not cancelled never overlap, never touch a day the
  machine is under maintenance, and lie between its acquisition and its retirement.
  Status at ``now``: cancelled (cancelled_at <= now), no_show, completed (end <= now),
  active (start < now < end), confirmed (start >= now, deposit paid), pending (start >=
  now, deposit not paid). updated_at <= now.
- Money (integer cents): deposit then balance, as two ``payment_schedules`` rows;
  deposit due before balance, the deposit always paid before the balance. Succeeded
  payments each have one ``booking_payments`` row (allocation = payments.kind,
  created_at = paid_at). Stripe payments may have a failed attempt first; manual
  payments (cash, check, transfer) have a ``manual_payments`` row (a few received in the
  last two days are not linked to a payment yet: payment_id NULL, no payments row, the
  schedule still open). Refunds (cancellations, no-shows, credits after a rental) point
  at the payment they return money from and never exceed it; a refund issued recently
  may still be pending. Schedules unpaid past due_at are overdue.
- Ledger (``financial_transactions``, signed): charge (+) and fee (-) per Stripe
  payment, manual_payment (+), refund (-) per succeeded refund, adjustment (-15.00
  dispute fees; + a failed payout's money coming back), payout (-) per Stripe payout.
  Stripe's balance is paid out daily (``payout_reconciliations``): pending, in_transit,
  paid, reconciled, or failed (its money is paid out again with the next payout).
- ``equipment_utilization``: one row per machine per local day from acquisition (or the
  start of the history) to ``as_of`` (today's row counts up to ``now``); hours_used > 0
  exactly on the days an active or completed booking of that machine covers, and then
  30-75% of the booked hours of that day; hours_available is the length of the local
  day (23 or 25 on DST days, at most 24) minus maintenance hours.
- ``equipment_maintenance``: services every ~90 days and inspections every ~180 days
  (next_due_at = when the next one of that kind is due), repairs (some very long, some
  still in progress: equipment.status = maintenance), overdue services never started.
- Insurance documents for heavy machines: due around the booking start; approved,
  rejected (then mostly resubmitted), pending (some long past due), expired
  (expires_at <= now).
- Support tickets with first-response and resolution times by priority (some breach
  any SLA, some still open), their notifications, booking reminders, receipts.
- Users (customers, staff, admins), customer_segments (some customers move up a
  segment), daily ``analytics_data`` metrics.
"""

from __future__ import annotations

import bisect
import gc
import json
import math
import queue
import random
import sys
import threading
import time as _time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

DEFAULT_TIMEZONE = "America/New_York"
BOOKINGS_PER_SCALE = 100_000
HISTORY_DAYS = 730
FLEET_PER_SCALE = 1100
NOW_MINUTES = 12 * 60  # the reference instant: noon, business time, of as_of

MIN = 60
HOUR = 3600
DAY = 86400
NEVER = 1 << 62  # "has not happened" as an epoch second, larger than any real one

# Column lists in foreign-key order: the order rows are loaded in.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "full_name", "phone", "role", "created_at", "updated_at"),
    "equipment": ("id", "name", "category", "status", "daily_rate", "acquired_at", "created_at",
                  "updated_at"),
    "equipment_maintenance": ("id", "equipment_id", "kind", "status", "scheduled_for", "started_at",
                              "completed_at", "next_due_at", "cost", "created_at"),
    "equipment_utilization": ("id", "equipment_id", "usage_date", "hours_used", "hours_available",
                              "recorded_at"),
    "customer_segments": ("id", "user_id", "segment", "assigned_at", "created_at"),
    "bookings": ("id", "user_id", "equipment_id", "status", "start_at", "end_at", "total_amount",
                 "deposit_amount", "currency", "created_at", "updated_at", "cancelled_at"),
    "payments": ("id", "booking_id", "user_id", "kind", "method", "status", "amount", "currency",
                 "stripe_payment_intent_id", "refund_of", "paid_at", "created_at"),
    "booking_payments": ("id", "booking_id", "payment_id", "allocation", "amount", "created_at"),
    "payment_schedules": ("id", "booking_id", "kind", "amount_due", "due_at", "status", "paid_at",
                          "payment_id", "created_at"),
    "manual_payments": ("id", "booking_id", "user_id", "payment_id", "method", "amount", "reference",
                        "received_at", "recorded_by", "created_at"),
    "payout_reconciliations": ("id", "stripe_payout_id", "amount", "currency", "status", "expected_at",
                               "arrived_at", "reconciled_at", "created_at", "updated_at"),
    "financial_transactions": ("id", "kind", "amount", "currency", "payment_id", "payout_id",
                               "occurred_at", "created_at"),
    "insurance_documents": ("id", "booking_id", "user_id", "status", "submitted_at", "due_at",
                            "reviewed_at", "expires_at", "created_at"),
    "support_tickets": ("id", "user_id", "booking_id", "equipment_id", "priority", "status", "subject",
                        "created_at", "first_response_at", "resolved_at", "updated_at"),
    "notifications": ("id", "user_id", "ticket_id", "channel", "kind", "status", "created_at",
                      "sent_at"),
    "analytics_data": ("id", "metric", "dimensions", "value", "recorded_at", "created_at"),
}

SEGMENTS = ("consumer", "contractor", "business", "enterprise")
SEGMENT_SHARE = (0.62, 0.26, 0.095, 0.025)
SEGMENT_PROPENSITY = {"consumer": 1.0, "contractor": 4.0, "business": 6.0, "enterprise": 14.0}
SEGMENT_LIFETIME_DAYS = {"consumer": 180, "contractor": 420, "business": 540, "enterprise": 800}
SEGMENT_MANUAL = {"consumer": 0.02, "contractor": 0.08, "business": 0.22, "enterprise": 0.45}
SEGMENT_CANCEL = {"consumer": 0.11, "contractor": 0.075, "business": 0.065, "enterprise": 0.05}
SEGMENT_PRICE = {"consumer": 1.0, "contractor": 1.0, "business": 0.95, "enterprise": 0.85}
SEGMENT_DEPOSIT = {"consumer": 0.25, "contractor": 0.25, "business": 0.2, "enterprise": 0.15}

# category, fleet share, daily rate range ($), insurance required, models,
# demand weight for consumer, contractor, business, enterprise
CATEGORIES = (
    ("mini_excavator", 0.12, (250, 450), True, ("Kubota KX040", "CAT 303.5", "Bobcat E35"), (3, 10, 6, 6)),
    ("excavator", 0.085, (500, 1100), True, ("CAT 320", "Komatsu PC210", "Deere 210G"), (0, 4, 4, 10)),
    ("skid_steer", 0.115, (220, 420), True, ("Bobcat S650", "CAT 262D", "Kubota SSV75"), (2, 10, 6, 6)),
    ("aerial_lift", 0.14, (180, 420), True, ("Genie S-65", "JLG 450AJ", "Skyjack SJ3219"), (1, 8, 10, 10)),
    ("telehandler", 0.08, (380, 750), True, ("JCB 507-42", "Genie GTH-844", "SkyTrak 10054"), (0, 4, 5, 8)),
    ("crane", 0.027, (1400, 3200), True, ("Grove RT540E", "Manitowoc 8900", "Tadano GR500"), (0, 0.3, 1, 4)),
    ("compactor", 0.072, (70, 160), False, ("Wacker BS60", "Bomag BPR 35"), (4, 6, 3, 3)),
    ("generator", 0.11, (60, 260), False, ("Honda EU7000", "Generac XG8000", "Multiquip DCA45"),
     (8, 5, 8, 6)),
    ("pressure_washer", 0.053, (45, 110), False, ("Simpson PS4240", "Karcher HD 3.5"), (12, 2, 4, 1)),
    ("concrete_mixer", 0.049, (45, 120), False, ("Kushlan 600", "Multiquip MC94"), (6, 4, 2, 1)),
    ("trencher", 0.046, (150, 320), False, ("Ditch Witch RT45", "Toro TRX-26"), (3, 4, 2, 2)),
    ("tiller", 0.026, (40, 90), False, ("Honda FRC800", "Troy-Bilt Pony"), (10, 1, 1, 0.2)),
    ("trailer", 0.075, (55, 140), False, ("Big Tex 14ET", "PJ Dump 12ft"), (7, 4, 5, 4)),
)

# duration classes: half day, overnight, one day, then n local days in a range
DURATIONS = {
    "consumer": (("half", 0.18), ("overnight", 0.12), ("day", 0.42), ((2, 3), 0.21), ((4, 7), 0.065),
                 ((8, 30), 0.005)),
    "contractor": (("half", 0.06), ("overnight", 0.06), ("day", 0.34), ((2, 3), 0.26), ((4, 7), 0.20),
                   ((8, 30), 0.07), ((31, 90), 0.01)),
    "business": (("half", 0.06), ("overnight", 0.08), ("day", 0.30), ((2, 3), 0.24), ((4, 7), 0.20),
                 ((8, 30), 0.105), ((31, 90), 0.015)),
    "enterprise": (("day", 0.18), ((2, 3), 0.22), ((4, 7), 0.30), ((8, 30), 0.25), ((31, 90), 0.05)),
}

# lead time before 08:00 of the start day, in hours: (probability, low, high)
LEAD_MIX = ((0.25, 2, 36), (0.40, 36, 168), (0.30, 168, 720), (0.05, 720, 2160))
WEEKDAY_DEMAND = (1.0, 0.95, 0.95, 1.05, 1.3, 1.25, 0.5)  # Monday .. Sunday

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Luis", "Ashley",
    "Kevin", "Emily", "Brian", "Donna", "Wei", "Michelle", "Ahmed", "Carol", "Jose", "Amanda",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
)

TICKET_SUBJECTS = {
    # kind: (subjects, priority weights low/normal/high/urgent)
    "breakdown": (("Machine will not start", "Hydraulic leak on site", "Flat tire on rental",
                   "Warning light on dashboard", "Attachment broken"), (0.0, 0.25, 0.45, 0.30)),
    "billing": (("Question about my invoice", "Refund status", "Charged twice",
                 "Deposit not returned"), (0.25, 0.55, 0.17, 0.03)),
    "booking": (("Change pickup time", "Extend my rental", "Delivery address change",
                 "Cancel my booking"), (0.30, 0.55, 0.13, 0.02)),
    "insurance": (("Insurance certificate rejected", "Which insurance do I need?"),
                  (0.20, 0.55, 0.22, 0.03)),
    "account": (("Cannot log in", "Update payment method", "Delete my account",
                 "Change company details"), (0.45, 0.45, 0.09, 0.01)),
}
PRIORITIES = ("low", "normal", "high", "urgent")
FIRST_RESPONSE_MINUTES = {"low": 600, "normal": 180, "high": 45, "urgent": 12}
RESOLUTION_HOURS = {"low": 60, "normal": 28, "high": 10, "urgent": 4}


class SampleError(RuntimeError):
    """Sample data cannot be loaded (tables missing or not empty); nothing was changed."""


def reference_time(as_of: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The generated world's ``now``: noon in the business time zone on ``as_of``."""
    return datetime(as_of.year, as_of.month, as_of.day, NOW_MINUTES // 60, tzinfo=ZoneInfo(tz))


def today(tz: str = DEFAULT_TIMEZONE) -> date:
    """Today's date in the business time zone (the default ``as_of``)."""
    return datetime.now(ZoneInfo(tz)).date()


# -- small helpers ---------------------------------------------------------------------------



_DAY_TEXT: dict[int, str] = {}
_TIME_TEXT = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]


def _ts(seconds: int | None) -> str | None:
    """Epoch seconds as timestamptz text in UTC (None for "has not happened")."""
    if seconds is None or seconds >= NEVER:
        return None
    days, s = divmod(seconds, DAY)
    day = _DAY_TEXT.get(days)
    if day is None:
        day = _DAY_TEXT[days] = (date(1970, 1, 1) + timedelta(days=days)).isoformat()
    return day + _TIME_TEXT[s]


def _money(cents: int) -> str:
    """Integer cents as numeric text (exact: the nearest double of c/100 prints back as c)."""
    return f"{cents / 100:.2f}"


# Ids are the text of uuid.UUID(int=x, version=4): psycopg copies text in C, while
# dumping UUID objects costs a Python call per value (a quarter of the load time).
_UUID_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)


def _uuid4(bits: int) -> str:
    h = f"{(bits & _UUID_MASK) | _UUID_V4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _ri(rng: random.Random, lo: int, hi: int) -> int:
    """rng.randint(lo, hi), faster (one random() call)."""
    return lo + int(rng.random() * (hi - lo + 1))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam >= 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _pick(rng: random.Random, weighted):
    """One item of ``((item, weight), ...)``."""
    return _Chooser(weighted)(rng)


class _Chooser:
    """A weighted choice with precomputed cumulative weights."""

    def __init__(self, weighted):
        self.items = [item for item, _ in weighted]
        self.cum = []
        total = 0.0
        for _, w in weighted:
            total += w
            self.cum.append(total)
        self.total = total
        self.last = len(self.items) - 1

    def __call__(self, rng: random.Random):
        return self.items[min(bisect.bisect_right(self.cum, rng.random() * self.total), self.last)]


_PICK_SEGMENT = _Chooser(tuple(zip(SEGMENTS, SEGMENT_SHARE, strict=True)))
_PICK_CHANNEL = _Chooser((("sms", 0.45), ("email", 0.35), ("push", 0.2)))
_PICK_POLICY_DAYS = _Chooser(((30, 0.1), (90, 0.2), (180, 0.3), (365, 0.4)))


def _lead_survival(hours: float) -> float:
    """P(lead time >= hours) for LEAD_MIX."""
    total = 0.0
    for p, lo, hi in LEAD_MIX:
        total += p * (1.0 if hours <= lo else 0.0 if hours >= hi else (hi - hours) / (hi - lo))
    return total


@contextmanager
def _no_gc():
    """Millions of new tuples make the cyclic GC rescan the growing heap again and again
    (3x slower here); nothing generated here forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Calendar:
    """Local days of the business as indexes; exact epoch seconds of local wall times."""

    def __init__(self, tz: ZoneInfo, first: date, ndays: int):
        self.tz = tz
        self.days = [first + timedelta(days=i) for i in range(ndays + 1)]
        self.mid = [int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()) for d in self.days]

    def at(self, i: int, minutes: int) -> int:
        """Epoch seconds of local wall time ``minutes`` after midnight on day ``i``."""
        m0 = self.mid[i]
        if self.mid[i + 1] - m0 == DAY:
            return m0 + minutes * MIN
        d = self.days[i]
        return int(datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=self.tz).timestamp())

    def day_of(self, ts: int) -> int:
        return bisect.bisect_right(self.mid, ts) - 1


@dataclass(eq=False)
class _User:
    id: str
    segment: str
    created: int
    churn: int
    manual: bool
    channel: str
    index: int
    last_activity: int = 0
    role: str = "customer"


@dataclass(eq=False)
class _Machine:
    id: str
    category: int
    rate: int  # cents
    acquired: date
    acq_day: int  # calendar index (may be negative: before the calendar)
    retire_day: int | None
    name: str = ""
    busy_until: int = 0
    blocked: list = field(default_factory=list)  # (first day, last day) of maintenance
    maint: list = field(default_factory=list)  # (start, end) seconds under maintenance
    rentals: list = field(default_factory=list)  # (start, end) of active/completed bookings
    last_event: int = 0


class _Booking:
    __slots__ = ("id", "user", "cat", "start", "end", "created", "total", "deposit", "cancel_at",
                 "cancel_kind", "no_show", "machine", "start_day", "status", "lead")


@dataclass
class Dataset:
    """Generated rows per table and the reference instant. A row is a tuple in the order
    of TABLES[table] of COPY text values (str) or None: ids as uuid text, timestamps as
    UTC text ('2025-11-12 17:00:00+00'), amounts as '123.45', dates as '2025-11-12'."""

    rows: dict[str, list[tuple]]
    now: datetime
    as_of: date
    timezone: str
    dropped_requests: int = 0


class _World:
    def __init__(self, scale: float, seed: int, as_of: date, tz: str):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.tzname = tz
        self.tz = ZoneInfo(tz)
        self.as_of = as_of
        self.margin = 150
        first = as_of - timedelta(days=HISTORY_DAYS - 1 + self.margin)
        self.cal = _Calendar(self.tz, first, self.margin + HISTORY_DAYS + 200)
        self.D0 = self.margin
        self.TODAY = self.margin + HISTORY_DAYS - 1
        self.now = self.cal.at(self.TODAY, NOW_MINUTES)
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self._ids = random.Random(f"{seed}/ids")
        getrandbits = self._ids.getrandbits

        def new_id() -> str:  # _uuid4(getrandbits(128)), inlined: called 2 million times
            h = f"{(getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}"
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

        self.new_id = new_id
        self.stripe_moves: list[tuple[int, int]] = []  # (epoch, cents) through Stripe's balance
        self.dropped = 0

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{name}")

    def token(self, prefix: str) -> str:
        return f"{prefix}_{self._ids.getrandbits(96):024x}"

    # -- fleet ---------------------------------------------------------------------------------

    def build_fleet(self) -> None:
        rng = self.rng("fleet")
        fleet = FLEET_PER_SCALE * self.scale
        self.machines: list[_Machine] = []
        self.by_category: list[list[_Machine]] = [[] for _ in CATEGORIES]
        D0, TODAY = self.D0, self.TODAY
        serial = 1000
        for ci, (_name, share, (lo, hi), _ins, models, _w) in enumerate(CATEGORIES):
            # small pools need more headroom to serve the same demand (queueing)
            x = fleet * share * 0.85
            for _ in range(max(2, round(x + 1.5 * math.sqrt(x)))):
                serial += 1
                if rng.random() < 0.7:
                    acq_day = D0 - _ri(rng, 0, 1400)
                else:  # the fleet grows: later acquisitions more likely
                    acq_day = D0 + int((TODAY - 20 - D0) * math.sqrt(rng.random()))
                retire = None
                if acq_day < D0 - 365 and rng.random() < 0.04:
                    retire = _ri(rng, D0 + 90, TODAY - 1)
                m = _Machine(
                    id=self.new_id(), category=ci, rate=_ri(rng, lo // 5, hi // 5) * 500,
                    acquired=self.cal.days[0] + timedelta(days=acq_day), acq_day=acq_day,
                    retire_day=retire,
                )
                m.name = f"{rng.choice(models)} #{serial}"
                self.machines.append(m)
                self.by_category[ci].append(m)

    # -- maintenance ---------------------------------------------------------------------------

    def build_maintenance(self) -> None:
        rng = self.rng("maintenance")
        cal, now = self.cal, self.now
        for m in self.machines:
            life0 = max(m.acq_day, self.D0 - 120)
            life1 = m.retire_day - 1 if m.retire_day is not None else self.TODAY + 120
            if life1 <= life0:
                continue
            jobs = []  # [scheduled_for, duration, kind, cost, next_due]
            overdue = rng.random() < 0.04
            for kind, every, dur_h, cost in (("service", 90, (2, 6), (150, 600)),
                                             ("inspection", 180, (1, 2), (80, 250))):
                day = m.acq_day + _ri(rng, every // 3, every)
                while day < life0:
                    day += every
                while day <= life1:
                    sched = cal.at(day, 7 * 60 + 30 * _ri(rng, 0, 3))
                    nxt = day + every + _ri(rng, -7, 7)
                    if rng.random() < 0.03 and sched < now:  # cancelled, done a few days later
                        jobs.append([sched, 0, kind, 0, None, "cancelled"])
                        day += _ri(rng, 3, 10)
                        continue
                    next_due = cal.at(min(nxt, len(cal.days) - 2), 8 * 60)
                    dur = _ri(rng, dur_h[0] * 60, dur_h[1] * 60) * MIN
                    if overdue and kind == "service" and now - 60 * DAY < sched < now:
                        jobs.append([sched, dur, kind, _ri(rng, *cost) * 100, sched, "never"])
                        break
                    jobs.append([sched, dur, kind, _ri(rng, *cost) * 100, next_due, None])
                    if sched > now:
                        break
                    day = nxt
            # repairs: about 1.2 a year, some long
            years = (min(life1, self.TODAY) - life0) / 365
            for _ in range(_poisson(rng, 1.2 * max(years, 0))):
                day = _ri(rng, life0, min(life1, self.TODAY))
                start = cal.at(day, _ri(rng, 8 * 4, 15 * 4) * 15)
                r = rng.random()
                if r < 0.7:
                    dur = _ri(rng, 4, 72) * HOUR
                    cost = _ri(rng, 200, 1500)
                elif r < 0.95:
                    dur = _ri(rng, 4, 14) * DAY
                    cost = _ri(rng, 800, 5000)
                else:
                    dur = _ri(rng, 30, 120) * DAY
                    cost = _ri(rng, 3000, 15000)
                if start < now:
                    jobs.append([start, dur, "repair", cost * 100, None, None])
            if m.retire_day is None and rng.random() < 0.02:  # out of service for a long while now
                start = now - _ri(rng, 20, 90) * DAY
                if cal.day_of(start) > life0:
                    jobs.append([start, 200 * DAY, "repair", _ri(rng, 4000, 15000) * 100, None, None])
            jobs.sort(key=lambda j: j[0])
            free = 0  # the machine is free of maintenance from here on
            for sched, dur, kind, cost, next_due, flag in jobs:
                created = min(sched - 14 * DAY if kind != "repair" else sched, now)
                started = completed = None
                if flag == "cancelled":
                    status = "cancelled"
                elif flag == "never" or sched > now or free >= NEVER:
                    status = "scheduled"
                    if sched > now and free < NEVER:
                        m.blocked.append((cal.day_of(sched), cal.day_of(sched + dur)))
                else:
                    started = max(sched + _ri(rng, 0, 90) * MIN, free + HOUR)
                    if started >= now:
                        status, started = "scheduled", None
                    else:
                        end = started + dur
                        if end > now:
                            status, completed = "in_progress", None
                            free = NEVER
                            m.maint.append((started, NEVER))
                            m.blocked.append((cal.day_of(started), 1 << 30))
                        else:
                            status, completed = "completed", end
                            free = end
                            m.maint.append((started, end))
                            m.blocked.append((cal.day_of(started), cal.day_of(end - 1)))
                        m.last_event = max(m.last_event, min(completed or started, now))
                self.rows["equipment_maintenance"].append((
                    self.new_id(), m.id, kind, status, _ts(sched), _ts(started), _ts(completed),
                    _ts(next_due), _money(cost), _ts(created),
                ))

    # -- demand and bookings -------------------------------------------------------------------

    def _demand_weight(self, i: int, weather: float) -> float:
        d = self.cal.days[i]
        doy = d.timetuple().tm_yday
        season = 1.0 + 0.45 * math.cos(2 * math.pi * (doy - 190) / 365.25)
        growth = 0.7 + 0.6 * (i - self.D0) / HISTORY_DAYS
        w = season * growth * WEEKDAY_DEMAND[d.weekday()] * weather
        if (d.month, d.day) in ((12, 24), (12, 25), (12, 31), (1, 1), (7, 4)):
            w *= 0.3
        return w

    def build_bookings(self) -> None:
        cal, now = self.cal, self.now
        rng = self.rng("demand")
        last_day = self.TODAY + 90
        weather = [math.exp(rng.gauss(0, 0.15)) for _ in range(last_day + 1)]
        weights = [self._demand_weight(i, weather[i]) for i in range(last_day + 1)]
        expected = 0.0
        for i in range(self.D0, last_day + 1):
            ahead_h = (cal.at(i, 8 * 60) - now) / HOUR
            expected += weights[i] * (1.0 if ahead_h <= 0 else _lead_survival(ahead_h))
        base = BOOKINGS_PER_SCALE * self.scale / expected
        # pass 1: requests (start day, created) by start day
        requests: list[tuple[int, int, float]] = []
        pick_lead = _Chooser(tuple(((lo, hi), p) for p, lo, hi in LEAD_MIX))
        for i in range(self.D0, last_day + 1):
            morning = cal.at(i, 8 * 60)
            for _ in range(_poisson(rng, base * weights[i])):
                lo, hi = pick_lead(rng)
                lead = rng.uniform(lo, hi)
                created = morning - int(lead * HOUR)
                if created <= now:
                    requests.append((created, i, lead))
        requests.sort(key=lambda r: r[0])
        # pass 2: customers, machine category, period, cancellation (in order of creation)
        cum: list[float] = []
        urng = self.rng("users")
        brng = self.rng("bookings")
        bookings: list[_Booking] = []
        pick_cat = [_Chooser(tuple((ci, c[5][s]) for ci, c in enumerate(CATEGORIES))) for s in range(4)]
        pick_dur = {seg: _Chooser(DURATIONS[seg]) for seg in SEGMENTS}
        for created, day, lead in requests:
            user = None
            if cum and urng.random() >= 0.2:
                for _ in range(4):
                    u = self.customers[bisect.bisect_right(cum, urng.random() * cum[-1])]
                    if u.churn >= created:
                        user = u
                        break
            if user is None:
                user = self._new_customer(urng, created - _ri(urng, 10 * MIN, 3 * DAY))
                cum.append((cum[-1] if cum else 0.0) + SEGMENT_PROPENSITY[user.segment])
            seg = user.segment
            si = SEGMENTS.index(seg)
            b = _Booking()
            b.user = user
            b.lead = lead
            b.cat = ci = pick_cat[si](brng)
            dur = pick_dur[seg](brng)
            if CATEGORIES[ci][0] == "crane" and not isinstance(dur, tuple):
                dur = (2, 3)
            q = lambda lo, hi: lo + 15 * _ri(brng, 0, (hi - lo) // 15)  # noqa: E731
            if dur == "half":
                s = brng.choice((7 * 60, 8 * 60, 12 * 60, 13 * 60)) + 15 * _ri(brng, 0, 3)
                b.start, b.end, billable = cal.at(day, s), cal.at(day, s + 240), 0.6
            elif dur == "overnight":
                b.start = cal.at(day, q(16 * 60, 18 * 60 + 30))
                b.end, billable = cal.at(day + 1, q(7 * 60, 10 * 60)), 1
            elif dur == "day":
                b.start = cal.at(day, q(6 * 60, 10 * 60))
                b.end, billable = cal.at(day, q(16 * 60, 19 * 60)), 1
            else:
                n = _ri(brng, *dur)
                b.start = cal.at(day, q(6 * 60, 10 * 60))
                if brng.random() < 0.2:  # returned the next morning
                    b.end = cal.at(day + n, q(7 * 60, 9 * 60))
                else:
                    b.end = cal.at(day + n - 1, q(15 * 60, 19 * 60))
                billable = n * (1.0 if n < 5 else 0.8 if n < 14 else 0.65 if n < 28 else 0.5)
            b.created = min(created, b.start - 2 * HOUR - _ri(brng, 0, 2 * HOUR))
            b.start_day = day
            b.total = billable * SEGMENT_PRICE[seg]  # times the machine's rate, later
            # cancellation (by the customer, or for a deposit never paid) and no-show
            b.cancel_at, b.cancel_kind, b.no_show = NEVER, None, False
            p_cancel = SEGMENT_CANCEL[seg] + (0.03 if lead > 14 * 24 else 0.0)
            r = brng.random()
            if r < 0.012:
                b.cancel_kind = "nonpayment"
            elif r < 0.012 + p_cancel:
                b.cancel_kind = "customer"
                b.cancel_at = b.created + 600 + int((b.start - b.created - 1800) * brng.random())
            elif b.start < now and brng.random() < (0.035 if seg == "consumer" else 0.015):
                b.no_show = True
            bookings.append(b)
        # pass 3: machines, in order of start
        mrng = self.rng("machines")
        bookings.sort(key=lambda b: b.start)
        kept = []
        for b in bookings:
            ds, de = b.start_day, self.cal.day_of(b.end - 1)
            blocks = b.cancel_kind is None or b.cancel_at > now
            m = self._free_machine(mrng, b.cat, b.start, b.end, ds, de)
            if m is None:  # the customer takes another kind of machine, if any is free
                k = int(mrng.random() * len(CATEGORIES))
                for j in range(len(CATEGORIES)):
                    m = self._free_machine(mrng, (k + j) % len(CATEGORIES), b.start, b.end, ds, de)
                    if m is not None:
                        break
            if m is None:
                self.dropped += 1
                continue
            b.machine = m
            b.cat = m.category
            if blocks:
                m.busy_until = max(m.busy_until, b.end)
            amount = round(m.rate * b.total)
            b.total = max(amount, 100)
            b.deposit = max(1, round(b.total * SEGMENT_DEPOSIT[b.user.segment]))
            kept.append(b)
        kept.sort(key=lambda b: b.created)
        self.bookings = kept

    def _free_machine(self, rng, ci, start, end, ds, de):
        """A machine of category ``ci`` free from ``start`` (plus an hour to turn it
        around) over local days ``ds``..``de``: a few random tries, then a scan."""
        machines = self.by_category[ci]
        n = len(machines)
        limit = start - HOUR
        fits = self._fits
        for _ in range(8):
            m = machines[int(rng.random() * n)]
            if m.busy_until <= limit and fits(m, ds, de):
                return m
        free = [m for m in machines if m.busy_until <= limit]
        k = int(rng.random() * len(free)) if free else 0
        for j in range(len(free)):
            m = free[(k + j) % len(free)]
            if fits(m, ds, de):
                return m
        return None

    @staticmethod
    def _fits(m: _Machine, ds: int, de: int) -> bool:
        if m.acq_day > ds or (m.retire_day is not None and de >= m.retire_day):
            return False
        for lo, hi in m.blocked:
            if lo <= de and hi >= ds:
                return False
        return True

    def _new_customer(self, rng, created: int) -> _User:
        seg = _PICK_SEGMENT(rng)
        u = _User(
            id=self.new_id(), segment=seg, created=created,
            churn=created + int(rng.expovariate(1 / SEGMENT_LIFETIME_DAYS[seg]) * DAY) + 7 * DAY,
            manual=rng.random() < SEGMENT_MANUAL[seg],
            channel=_PICK_CHANNEL(rng),
            index=len(self.users),
        )
        self.users.append(u)
        self.customers.append(u)
        return u

    # -- users, segments --------------------------------------------------------------------

    def build_staff(self) -> None:
        self.users: list[_User] = []
        self.customers: list[_User] = []
        self.staff: list[_User] = []
        n_staff = max(3, round(25 * self.scale))
        for k in range(n_staff + 2):
            created = self.cal.at(self.D0 - 60 + k % 30, 9 * 60)
            u = _User(id=self.new_id(), segment="", created=created, churn=NEVER, manual=False,
                      channel="email", index=len(self.users), role="staff" if k < n_staff else "admin")
            self.users.append(u)
            if k < n_staff:
                self.staff.append(u)

    def build_users(self) -> None:
        rng = self.rng("people")
        cal, now = self.cal, self.now
        # people who signed up and never booked: about 15% more accounts
        for _ in range(round(len(self.customers) * 0.15)):
            day = self.D0 - 30 + int((self.TODAY - self.D0 + 30) * math.sqrt(rng.random()))
            created = min(cal.at(day, _ri(rng, 7 * 60, 23 * 60)), now - MIN)
            self._new_customer(rng, created)
        for u in self.users:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            role = u.role
            if role == "customer":
                email = f"{first.lower()}.{last.lower()}.{u.index}@example.com"
            else:
                email = f"{first.lower()}.{u.index}@rental.example"
            phone = None if rng.random() < 0.1 else f"+1555{rng.randrange(10**7):07d}"
            updated = max(u.created, min(u.last_activity, now))
            self.rows["users"].append((u.id, email, f"{first} {last}", phone, role,
                                       _ts(u.created), _ts(updated)))
            if role == "customer":
                self.rows["customer_segments"].append(
                    (self.new_id(), u.id, u.segment, _ts(u.created), _ts(u.created)))
                si = SEGMENTS.index(u.segment)
                if si < 3 and now - u.created > 60 * DAY and rng.random() < 0.12:
                    moved = u.created + 30 * DAY + int((now - u.created - 30 * DAY) * rng.random())
                    self.rows["customer_segments"].append(
                        (self.new_id(), u.id, SEGMENTS[si + 1], _ts(moved), _ts(moved)))

    # -- money, insurance, notifications per booking ---------------------------------------

    def build_booking_details(self) -> None:
        rng = self.rng("payments")
        irng = self.rng("insurance")
        nrng = self.rng("notifications")
        now = self.now
        rows = self.rows
        for b in self.bookings:
            user, S, E, C = b.user, b.start, b.end, b.created
            dep_due = C + min(DAY, (S - C) // 2)
            bal_due = max(S - 2 * DAY, dep_due + 30 * MIN)
            cancelled_at = b.cancel_at
            # deposit
            if b.cancel_kind == "nonpayment":
                pd = NEVER
                cancelled_at = max(C + 600, min(dep_due + _ri(rng, DAY, 3 * DAY), S - 30 * MIN))
            elif user.manual:
                pd = C + _ri(rng, 2 * HOUR, max(2 * HOUR + 1, dep_due - C + 2 * DAY))
            elif rng.random() < 0.9:
                pd = C + _ri(rng, MIN, 20 * MIN)
            else:
                pd = C + _ri(rng, HOUR, max(HOUR + 1, dep_due - C))
            if pd < NEVER:
                pd = min(pd, S - 15 * MIN)
            cancelled = cancelled_at <= now
            cut = cancelled_at if cancelled else NEVER
            future = S >= now
            dep = self._installment(rng, nrng, b, "deposit", b.deposit, pd, cut, allow_unlinked=future)
            # balance
            pb = NEVER
            if dep is not None:
                r = rng.random()
                if r < 0.008:
                    pb = NEVER
                elif r < 0.038:
                    pb = E + _ri(rng, DAY, 30 * DAY)
                elif user.manual:
                    pb = bal_due + _ri(rng, -3 * DAY, 4 * DAY)
                elif r < 0.85:
                    pb = bal_due + _ri(rng, MIN, 30 * MIN)
                else:
                    pb = dep[1] + int((bal_due - dep[1]) * rng.random())
                pb = max(pb, dep[1] + 10 * MIN)
            bal_cut = cut if cancelled else (S + 3 * HOUR if b.no_show else NEVER)
            bal = None
            if dep is not None:
                bal = self._installment(rng, nrng, b, "balance", b.total - b.deposit, pb, bal_cut,
                                        allow_unlinked=False)
            # status
            if cancelled:
                status, updated = "cancelled", cancelled_at
            elif future:
                status, updated = ("confirmed", dep[1]) if dep else ("pending", C)
            elif b.no_show:
                status, updated = "no_show", min(S + 3 * HOUR, now)
            elif E > now:
                status, updated = "active", S
            else:
                status, updated = "completed", E
            b.status = status
            if status in ("active", "completed"):
                b.machine.rentals.append((S, E))
            if status in ("active", "completed", "no_show"):
                b.machine.last_event = max(b.machine.last_event, min(E, now) if status != "no_show" else S)
            user.last_activity = max(user.last_activity, updated)
            C_t = _ts(C)
            rows["bookings"].append((
                b.id, user.id, b.machine.id, status, _ts(S), _ts(E), _money(b.total), _money(b.deposit),
                "USD", C_t, _ts(max(updated, C)), _ts(cancelled_at) if cancelled else None,
            ))
            # schedules
            for kind, amount, due, paid in (("deposit", b.deposit, dep_due, dep),
                                            ("balance", b.total - b.deposit, bal_due, bal)):
                if paid is not None:
                    st, paid_at, pid = "paid", paid[1], paid[0]
                else:
                    paid_at = pid = None
                    if cancelled or (kind == "balance" and b.no_show):
                        st = "cancelled"
                    elif now > due:
                        st = "overdue"
                    else:
                        st = "scheduled"
                rows["payment_schedules"].append((self.new_id(), b.id, kind, _money(amount), _ts(due), st,
                                                  _ts(paid_at), pid, C_t))
                if st == "overdue" and due + DAY <= now:
                    self._notify(nrng, user, None, "email", "payment_overdue", due + DAY)
            # refunds
            if cancelled:
                early = cancelled_at <= S - 2 * DAY
                for paid, kind in ((dep, "deposit"), (bal, "balance")):
                    if paid is None:
                        continue
                    if kind == "deposit" and not early:
                        if rng.random() < 0.7:
                            continue
                        amount = max(1, paid[2] // 2)
                    else:
                        amount = paid[2]
                    self._refund(rng, nrng, b, paid, amount, cancelled_at + _ri(rng, 10 * MIN, 2 * DAY))
            elif b.no_show and bal is not None:
                self._refund(rng, nrng, b, bal, bal[2], S + _ri(rng, DAY, 3 * DAY))
            elif status == "completed" and bal is not None and rng.random() < 0.035:
                amount = max(1, int(bal[2] * rng.uniform(0.1, 0.5)))
                if rng.random() < 0.1:
                    amount = bal[2]
                self._refund(rng, nrng, b, bal, amount, max(E, bal[1]) + _ri(rng, DAY, 7 * DAY))
            # reminder the day before the start
            remind = S - DAY
            if remind >= C and (not cancelled or cancelled_at > remind):
                if remind <= now:
                    self._notify(nrng, user, None, user.channel, "booking_reminder", remind)
                elif status == "confirmed" and remind <= now + DAY:
                    self._notify(nrng, user, None, user.channel, "booking_reminder", max(dep[1], C),
                                 queued=True)
            # insurance
            if CATEGORIES[b.cat][3]:
                self._insurance(irng, nrng, b, cancelled_at if cancelled else NEVER)

    def _installment(self, rng, nrng, b, kind, amount, when, cutoff, allow_unlinked):
        """Pay ``amount`` at ``when`` unless the booking was cancelled first or it is in the
        future; returns (payment id, paid_at, amount, method, intent) or None."""
        now = self.now
        if when >= NEVER or when > cutoff or when > now:
            return None
        user, rows = b.user, self.rows
        when_t, amount_t = _ts(when), _money(amount)  # each used in several rows
        if user.manual and rng.random() < 0.85:
            recorded = min(when + _ri(rng, 10 * MIN, 6 * HOUR), now)
            recorded_t = _ts(recorded)
            method = rng.choice(("cash", "check", "check", "bank_transfer"))
            reference = (None if method == "cash" else f"CHK-{_ri(rng, 1000, 99999)}"
                         if method == "check" else f"WIRE-{rng.getrandbits(40):010X}")
            staff = rng.choice(self.staff)
            if allow_unlinked and now - when < 2 * DAY and rng.random() < 0.3:
                rows["manual_payments"].append((self.new_id(), b.id, user.id, None, method, amount_t,
                                                reference, when_t, staff.id, recorded_t))
                return None
            pid = self.new_id()
            rows["payments"].append((pid, b.id, user.id, kind, "manual", "succeeded", amount_t, "USD",
                                     None, None, when_t, recorded_t))
            rows["manual_payments"].append((self.new_id(), b.id, user.id, pid, method, amount_t,
                                            reference, when_t, staff.id, recorded_t))
            self._ledger("manual_payment", amount_t, pid, None, when_t)
            result = (pid, when, amount, "manual", None)
        else:
            if rng.random() < 0.05:  # a declined card first
                failed_at = max(b.created, when - _ri(rng, 10 * MIN, DAY))
                rows["payments"].append((self.new_id(), b.id, user.id, kind, "stripe", "failed",
                                         amount_t, "USD", self.token("pi"), None, None, _ts(failed_at)))
            pid, intent = self.new_id(), self.token("pi")
            rows["payments"].append((pid, b.id, user.id, kind, "stripe", "succeeded", amount_t, "USD",
                                     intent, None, when_t, _ts(when - _ri(rng, 3, 90))))
            fee = amount * 29 // 1000 + 30
            self._ledger("charge", amount_t, pid, None, when_t)
            self._ledger("fee", _money(-fee), pid, None, when_t)
            self.stripe_moves.append((when, amount - fee))
            if rng.random() < 0.003:  # a dispute: Stripe's dispute fee
                at = when + _ri(rng, 10 * DAY, 40 * DAY)
                if at <= now:
                    self._ledger("adjustment", "-15.00", pid, None, _ts(at))
                    self.stripe_moves.append((at, -1500))
            result = (pid, when, amount, "stripe", intent)
        rows["booking_payments"].append((self.new_id(), b.id, pid, kind, amount_t, when_t))
        self._notify(nrng, user, None, "email", "payment_receipt", when)
        return result

    def _refund(self, rng, nrng, b, paid, amount, requested):
        now = self.now
        if requested > now:
            return
        orig, _, _, method, intent = paid
        done = requested + (_ri(rng, 5 * MIN, DAY) if method == "stripe" else _ri(rng, DAY, 5 * DAY))
        ok = done <= now
        pid = self.new_id()
        amount_t, done_t = _money(amount), _ts(done)
        self.rows["payments"].append((
            pid, b.id, b.user.id, "refund", method, "succeeded" if ok else "pending", amount_t, "USD",
            intent, orig, done_t if ok else None, _ts(requested),
        ))
        if ok:
            self.rows["booking_payments"].append((self.new_id(), b.id, pid, "refund", amount_t, done_t))
            self._ledger("refund", _money(-amount), pid, None, done_t)
            if method == "stripe":
                self.stripe_moves.append((done, -amount))
            self._notify(nrng, b.user, None, "email", "refund_receipt", done)

    def _ledger(self, kind, amount_t, payment_id, payout_id, at_t):
        """A ledger row; amount and time as text (signed amount)."""
        self.rows["financial_transactions"].append(
            (self.new_id(), kind, amount_t, "USD", payment_id, payout_id, at_t, at_t))

    def _notify(self, rng, user, ticket_id, channel, kind, at, queued=False):
        at = min(at, self.now)
        if queued:
            status, sent = "queued", None
        else:
            r = rng.random()
            fail = 0.04 if channel == "sms" else 0.01
            status, sent = ("failed", None) if r < fail else ("sent", min(at + 1 + int(r * 60), self.now))
        self.rows["notifications"].append((self.new_id(), user.id, ticket_id, channel, kind, status,
                                           _ts(at), None if sent is None else _ts(sent)))

    def _insurance(self, rng, nrng, b, cancelled_at):
        now = self.now
        S, C = b.start, b.created
        due = max(S - rng.choice((72, 48, 24, 24, 24, 12, 0)) * HOUR, C + HOUR)
        r = rng.random()
        if r < 0.6:
            sub = C + _ri(rng, 5 * MIN, 2 * HOUR)
        elif r < 0.9:
            sub = C + int((due - C) * 0.9 * rng.random())
        else:
            sub = due + _ri(rng, HOUR, 2 * DAY)
        attempts = 0
        while sub <= now and sub <= cancelled_at and attempts < 2:
            attempts += 1
            r = rng.random()
            outcome = "approved" if r < 0.84 else "rejected" if r < 0.92 else "stuck"
            if attempts == 2 and outcome == "rejected" and rng.random() < 0.5:
                outcome = "approved"
            delay = _ri(rng, 3 * DAY, 20 * DAY) if outcome == "stuck" else _ri(rng, 20 * MIN, 30 * HOUR)
            reviewed = sub + delay
            expires = None
            if reviewed > now:
                status, reviewed = "pending", None
            elif outcome == "rejected":
                status = "rejected"
            else:
                expires = reviewed + _PICK_POLICY_DAYS(rng) * DAY
                status = "expired" if expires <= now else "approved"
            self.rows["insurance_documents"].append((self.new_id(), b.id, b.user.id, status, _ts(sub),
                                                     _ts(due), _ts(reviewed), _ts(expires), _ts(sub)))
            if status == "pending" and due <= now:
                self._notify(nrng, b.user, None, "email", "insurance_reminder", due)
            if status != "rejected" or rng.random() < 0.2:
                break
            sub = reviewed + _ri(rng, HOUR, 2 * DAY)

    # -- equipment rows and utilization -----------------------------------------------------

    def build_equipment(self) -> None:
        now = self.now
        for m in self.machines:
            name, cat = m.name, CATEGORIES[m.category][0]
            acquired_ts = int(datetime(m.acquired.year, m.acquired.month, m.acquired.day, 9,
                                       tzinfo=self.tz).timestamp())
            if m.retire_day is not None:
                status = "retired"
                last = self.cal.at(m.retire_day, 9 * 60)
            elif any(s <= now < e for s, e in m.maint):
                status, last = "maintenance", m.last_event
            elif any(s < now < e for s, e in m.rentals):
                status, last = "rented", max(s for s, e in m.rentals if s < now < e)
            else:
                status, last = "available", m.last_event
            self.rows["equipment"].append((
                m.id, name, cat, status, _money(m.rate), m.acquired.isoformat(), _ts(acquired_ts),
                _ts(max(acquired_ts, min(max(last, acquired_ts), now))),
            ))

    def utilization_rows(self):
        """Rows of equipment_utilization, generated lazily (the biggest table)."""
        cal, now = self.cal, self.now
        mid = cal.mid
        rng = self.rng("utilization")
        first_day = self.D0
        hours = {}
        dates = [d.isoformat() for d in cal.days]
        recorded = [_ts(min(mid[i + 1] + HOUR, now)) for i in range(self.TODAY + 1)]
        zero = "0.00"
        for m in self.machines:
            d0 = max(m.acq_day, first_day)
            d1 = self.TODAY if m.retire_day is None else min(self.TODAY, m.retire_day - 1)
            if d1 < d0:
                continue
            used: dict[int, int] = {}
            for s, e in m.rentals:
                e = min(e, now)
                d = cal.day_of(s)
                while d <= d1 and mid[d] < e:
                    lo, hi = max(s, mid[d]), min(e, mid[d + 1])
                    if hi > lo:
                        used[d] = used.get(d, 0) + max(1, int((hi - lo) * rng.uniform(0.3, 0.75) / 36))
                    d += 1
            maint: dict[int, int] = {}
            for s, e in m.maint:
                d = max(cal.day_of(s), d0)
                while d <= d1 and mid[d] < e:
                    lo, hi = max(s, mid[d]), min(e, mid[d + 1])
                    if hi > lo:
                        maint[d] = maint.get(d, 0) + -(-(hi - lo) // 36)
                    d += 1
            for d in range(d0, d1 + 1):
                avail = min(2400, (mid[d + 1] - mid[d]) // 36) - maint.get(d, 0)
                avail = max(0, avail)
                u = used.get(d, 0)
                if u > avail:
                    raise AssertionError(f"utilization above availability for {m.id} on {dates[d]}")
                a = hours.get(avail)
                if a is None:
                    a = hours[avail] = _money(avail)
                yield (self.new_id(), m.id, dates[d], _money(u) if u else zero, a, recorded[d])

    def utilization_count(self) -> int:
        n = 0
        for m in self.machines:
            d0 = max(m.acq_day, self.D0)
            d1 = self.TODAY if m.retire_day is None else min(self.TODAY, m.retire_day - 1)
            n += max(0, d1 - d0 + 1)
        return n

    # -- support -----------------------------------------------------------------------------

    def build_support(self) -> None:
        rng = self.rng("support")
        nrng = self.rng("support-notifications")
        now, cal = self.now, self.cal
        tickets = []
        for b in self.bookings:
            p = 0.06 + (0.1 if b.status == "cancelled" else 0) + (0.15 if b.status == "no_show" else 0)
            p += 0.04 if b.end - b.start >= 7 * DAY else 0
            if rng.random() >= p:
                continue
            if b.status in ("active", "completed") and rng.random() < 0.35:
                kind = "breakdown"
                at = b.start + int((min(b.end, now) - b.start) * rng.random())
            else:
                kind = _pick(rng, (("billing", 0.45), ("booking", 0.35), ("insurance", 0.2)))
                if kind == "insurance" and not CATEGORIES[b.cat][3]:
                    kind = "booking"
                hi = min(b.end + 2 * DAY, now)
                at = b.created + int((hi - b.created) * rng.random())
            tickets.append((at, b.user, b, kind))
        for u in self.customers:
            if rng.random() < 0.04 and u.created < now - HOUR:
                tickets.append((u.created + int((now - u.created) * rng.random()), u, None, "account"))
        tickets.sort(key=lambda t: t[0])
        for at, user, b, kind in tickets:
            subjects, pw = TICKET_SUBJECTS[kind]
            priority = _pick(rng, tuple(zip(PRIORITIES, pw, strict=True)))
            delay = FIRST_RESPONSE_MINUTES[priority] * MIN * math.exp(rng.gauss(0, 0.8))
            local_min = (at - cal.mid[cal.day_of(at)]) // MIN
            if priority != "urgent" and not 7 * 60 <= local_min < 20 * 60:  # nobody there at night
                delay += ((7 * 60 - local_min) % (24 * 60)) * MIN
            if rng.random() < 0.05:  # forgotten in a queue: breaches any SLA
                delay *= rng.uniform(8, 40)
            first = at + int(delay)
            resolved = NEVER
            if rng.random() >= 0.03:
                resolved = first + int(RESOLUTION_HOURS[priority] * HOUR * math.exp(rng.gauss(0, 0.9)))
            if first > now:
                status, first_at, resolved_at, updated = "open", None, None, at
            elif resolved > now:
                status = "pending" if rng.random() < 0.6 else "open"
                first_at, resolved_at, updated = first, None, first
            else:
                status = "closed" if now - resolved > 3 * DAY and rng.random() < 0.85 else "resolved"
                first_at, resolved_at, updated = first, resolved, resolved
            tid = self.new_id()
            self.rows["support_tickets"].append((
                tid, user.id, b.id if b else None, b.machine.id if b and kind == "breakdown" else None,
                priority, status, rng.choice(subjects), _ts(at), _ts(first_at), _ts(resolved_at),
                _ts(updated),
            ))
            self._notify(nrng, user, tid, "email", "ticket_received", at + 2)
            if first_at is not None:
                self._notify(nrng, user, tid, rng.choice(("email", "in_app")), "ticket_reply", first_at)
            if resolved_at is not None:
                self._notify(nrng, user, tid, "email", "ticket_resolved", resolved_at)

    # -- payouts -----------------------------------------------------------------------------

    def build_payouts(self) -> None:
        rng = self.rng("payouts")
        cal, now = self.cal, self.now
        by_day: dict[int, int] = {}
        for at, cents in self.stripe_moves:
            d = cal.day_of(at)
            by_day[d] = by_day.get(d, 0) + cents
        carry = 0
        for d in range(min(by_day, default=self.TODAY), self.TODAY):
            net = by_day.get(d, 0) + carry
            if net < 100:
                carry = net
                continue
            carry = 0
            created = cal.at(d + 1, 3 * 60)
            e = d + 3
            while cal.days[e].weekday() >= 5:
                e += 1
            expected = cal.at(e, 9 * 60)
            arrived = reconciled = None
            pid = self.new_id()
            if expected > now:
                status, updated = ("pending" if d == self.TODAY - 1 else "in_transit"), created
            elif rng.random() < 0.01:
                status, updated = "failed", expected
                # the money comes back to Stripe's balance and goes out with a later payout
                self._ledger("adjustment", _money(net), None, pid, _ts(expected))
                by_day[e] = by_day.get(e, 0) + net
            else:
                arrived = expected + _ri(rng, 0, 3 * HOUR)
                reconciled = arrived + _ri(rng, 4 * HOUR, 3 * DAY)
                if arrived > now:
                    status, arrived, reconciled, updated = "in_transit", None, None, created
                elif reconciled > now or rng.random() < 0.01:
                    status, reconciled, updated = "paid", None, arrived
                else:
                    status, updated = "reconciled", reconciled
            self.rows["payout_reconciliations"].append((
                pid, self.token("po"), _money(net), "USD", status, _ts(expected), _ts(arrived),
                _ts(reconciled), _ts(created), _ts(updated),
            ))
            self._ledger("payout", _money(-net), None, pid, _ts(created))

    # -- analytics ---------------------------------------------------------------------------

    def build_analytics(self) -> None:
        rng = self.rng("analytics")
        cal = self.cal
        created_per_day: dict[int, int] = {}
        for b in self.bookings:
            d = cal.day_of(b.created)
            created_per_day[d] = created_per_day.get(d, 0) + 1
        signups: dict[int, int] = {}
        for u in self.customers:
            d = cal.day_of(u.created)
            signups[d] = signups.get(d, 0) + 1
        rows = self.rows["analytics_data"]
        channels = (("web", 0.55), ("ios", 0.28), ("android", 0.17))
        for d in range(self.D0, self.TODAY):
            at = _ts(cal.mid[d + 1] - 1)
            made = created_per_day.get(d, 0)
            sessions_total = 0
            for ch, share in channels:
                sessions = max(0, round((made + 1) * 14 * share * math.exp(rng.gauss(0, 0.1))))
                sessions_total += sessions
                views = round(sessions * rng.uniform(4.0, 7.5))
                dims = json.dumps({"channel": ch})
                rows.append((self.new_id(), "sessions", dims, str(sessions), at, at))
                rows.append((self.new_id(), "page_views", dims, str(views), at, at))
            rows.append((self.new_id(), "searches", "{}", str(round(sessions_total * rng.uniform(1.2, 2.0))),
                         at, at))
            rows.append((self.new_id(), "signups", "{}", str(signups.get(d, 0)), at, at))
            rows.append((self.new_id(), "bookings_created", "{}", str(made), at, at))
            rate = f"{made / sessions_total:.4f}" if sessions_total else "0"
            rows.append((self.new_id(), "conversion_rate", "{}", rate, at, at))
            rows.append((self.new_id(), "api_errors", json.dumps({"service": "api"}),
                         str(_poisson(rng, 3 + made * 0.02)), at, at))

    # -- everything ----------------------------------------------------------------------------

    def build(self, stage=lambda name: None, done=lambda table: None) -> None:
        """Generate every table; ``done(table)`` is called as soon as a table's rows are
        complete (equipment_utilization: call utilization_rows() afterwards)."""
        with _no_gc():
            self._build(stage, done)

    def _build(self, stage, done) -> None:
        stage("fleet and maintenance")
        self.build_staff()
        self.build_fleet()
        self.build_maintenance()
        done("equipment_maintenance")
        stage("bookings")
        self.build_bookings()
        for b in self.bookings:
            b.id = self.new_id()
        stage("payments, insurance, notifications")
        self.build_booking_details()
        for table in ("bookings", "payments", "booking_payments", "payment_schedules", "manual_payments",
                      "insurance_documents"):
            done(table)
        stage("support tickets")
        self.build_support()
        done("support_tickets")
        done("notifications")
        stage("payouts")
        self.build_payouts()
        done("payout_reconciliations")
        done("financial_transactions")
        stage("users, equipment, analytics")
        self.build_users()
        done("users")
        done("customer_segments")
        self.build_equipment()
        done("equipment")
        self.build_analytics()
        done("analytics_data")


def generate(scale: float, seed: int, as_of: date, tz: str = DEFAULT_TIMEZONE) -> Dataset:
    """All rows of the sample data set in memory (equipment_utilization included)."""
    world = _World(scale, seed, as_of, tz)
    world.build()
    with _no_gc():
        world.rows["equipment_utilization"] = list(world.utilization_rows())
    return Dataset(world.rows, reference_time(as_of, tz), as_of, tz, world.dropped)


# -- loading ---------------------------------------------------------------------------------


class _Progress:
    """A small progress display on stderr: a bar per table on a terminal, plain lines
    otherwise. Called from the generating and the copying thread."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.lock = threading.Lock()
        self.partial = False  # a bar without its newline is on screen

    def _line(self, text: str, final: bool = True) -> None:
        with self.lock:
            if self.tty:
                text = "\r" + text if (self.partial and not final) else ("\n" if self.partial else "") + text
            sys.stderr.write(text + ("\n" if final else ""))
            sys.stderr.flush()
            self.partial = not final

    def stage(self, name: str) -> None:
        if self.enabled:
            self._line(f"  generating {name}")

    def note(self, text: str) -> None:
        if self.enabled:
            self._line(f"  {text}")

    def bar(self, table: str, done: int, total: int, seconds: float | None = None) -> None:
        final = seconds is not None
        if not self.enabled or not (self.tty or final):
            return
        frac = done / total if total else 1.0
        filled = int(frac * 30)
        line = f"  copy {table:<24} [{'#' * filled}{'.' * (30 - filled)}] {done:>10,}/{total:<10,}"
        if final:
            line += f" {seconds:5.1f} s"
            if self.tty and self.partial:
                with self.lock:
                    sys.stderr.write("\r")
                    self.partial = False
        self._line(line, final)


def _text_chunks(rows, size: int = 10000):
    """COPY text of ``rows`` (tuples of str or None), ``size`` lines a chunk.

    Every value is generated here as text that needs no escaping (no tab, newline or
    backslash), so a line is a plain join. Measured: psycopg's write_row costs 0.7 us per
    text value and 4.5 us per datetime (about 12 us a row here); this join costs 0.5 us
    a row, and the load is bound by Python, not by PostgreSQL."""
    lines = []
    for row in rows:
        lines.append("\t".join([NULL if v is None else v for v in row]))
        if len(lines) == size:
            lines.append("")
            yield "\n".join(lines)
            lines = []
    if lines:
        lines.append("")
        yield "\n".join(lines)


NULL = "\\N"


class _Copier(threading.Thread):
    """COPYs finished tables (then builds their keys and indexes) on the connection
    while the main thread generates the others; the main thread does not use the
    connection meanwhile. An error stops the copying and is raised by put()/finish()."""

    def __init__(self, conn, world, rebuild, counts, bar):
        super().__init__(name="pgfresh-sample-copy", daemon=True)
        self.conn, self.world, self.rebuild, self.counts, self.bar = conn, world, rebuild, counts, bar
        self.queue: queue.Queue = queue.Queue()
        self.error: BaseException | None = None

    def put(self, table: str) -> None:
        self._raise()
        self.queue.put(table)

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        try:
            with self.conn.cursor() as cur:
                while (table := self.queue.get()) is not None:
                    self._copy(cur, table)
        except BaseException as exc:  # handed to the main thread
            self.error = exc

    def _copy(self, cur, table: str) -> None:
        world, bar = self.world, self.bar
        if table == "equipment_utilization":
            total, rows = world.utilization_count(), world.utilization_rows()
        else:
            rows = world.rows[table]
            total = len(rows)
        stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier("public", table), sql.SQL(", ").join(map(sql.Identifier, TABLES[table])))
        n = 0
        started = _time.monotonic()
        with cur.copy(stmt) as copy:
            for chunk in _text_chunks(rows):
                copy.write(chunk)
                n += chunk.count("\n")
                bar.bar(table, n, total)
        for statement in self.rebuild.get(table, []):
            cur.execute(statement)
        bar.bar(table, n, total, _time.monotonic() - started)
        self.counts[table] = n
        world.rows[table] = []  # free memory as we go


def _nonempty_tables(cur: psycopg.Cursor) -> list[str]:
    missing = [t for t in TABLES
               if cur.execute("SELECT to_regclass(%s)", [f"public.{t}"]).fetchone()[0] is None]
    if missing:
        raise SampleError(
            "the reference tables are missing: " + ", ".join(f"public.{t}" for t in missing)
            + " (load schema/ first)"
        )
    out = []
    for t in TABLES:
        q = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier("public", t))
        if cur.execute(q).fetchone()[0]:
            out.append(t)
    return out


def _constraints(cur: psycopg.Cursor) -> list[tuple[str, str, str, str]]:
    """(contype, table, name, definition) of the primary keys, unique constraints and
    foreign keys on (or referencing) the reference tables: keys first, then foreign keys."""
    return cur.execute(
        """
        SELECT c.contype, c.conrelid::regclass::text, c.conname, pg_catalog.pg_get_constraintdef(c.oid)
        FROM pg_catalog.pg_constraint AS c
        WHERE (c.contype IN ('p', 'u') AND c.conrelid = ANY (%(tables)s::regclass[])
               -- kept when something relies on it (a view grouping by the primary key)
               AND NOT EXISTS (
                   SELECT FROM pg_catalog.pg_depend AS d
                   WHERE d.refclassid = 'pg_catalog.pg_constraint'::regclass AND d.refobjid = c.oid
                     AND d.deptype <> 'i'))
           OR (c.contype = 'f' AND (c.conrelid = ANY (%(tables)s::regclass[])
                                    OR c.confrelid = ANY (%(tables)s::regclass[])))
        ORDER BY c.contype = 'f', 2, 3
        """,
        {"tables": [f"public.{t}" for t in TABLES]},
    ).fetchall()


def _secondary_indexes(cur: psycopg.Cursor) -> list[tuple[str, str, str]]:
    """(index, table, definition) of the reference tables' indexes that back no constraint."""
    return cur.execute(
        """
        SELECT i.indexrelid::regclass::text, c.relname::text, pg_catalog.pg_get_indexdef(i.indexrelid)
        FROM pg_catalog.pg_index AS i
        JOIN pg_catalog.pg_class AS c ON c.oid = i.indrelid
        WHERE i.indrelid = ANY (%s::regclass[])
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint AS c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [[f"public.{t}" for t in TABLES]],
    ).fetchall()


def _refuse(nonempty: list[str]) -> SampleError:
    return SampleError(
        "refusing to load sample data into tables that already have rows: "
        + ", ".join(f"public.{t}" for t in nonempty)
        + ". Nothing was changed. Use --truncate (truncate=True) to empty all 16 reference tables first."
    )


def load(
    conn: psycopg.Connection,
    scale: float,
    seed: int,
    as_of: date | None = None,
    *,
    tz: str = DEFAULT_TIMEZONE,
    truncate: bool = False,
    progress: bool = False,
) -> dict[str, int]:
    """Generate the sample data set and COPY it into the 16 reference tables in one
    transaction. Returns rows loaded per table, in foreign-key order.

    Raises SampleError, having changed nothing, when a table is missing or, without
    ``truncate``, not empty. ``as_of`` defaults to today in ``tz``."""
    as_of = as_of or today(tz)
    bar = _Progress(progress)
    with conn.cursor() as cur:
        nonempty = _nonempty_tables(cur)
    if nonempty and not truncate:
        raise _refuse(nonempty)
    world = _World(scale, seed, as_of, tz)
    counts: dict[str, int] = {}
    with _no_gc(), conn.transaction(), conn.cursor() as cur:
        nonempty = _nonempty_tables(cur)
        if nonempty and not truncate:
            raise _refuse(nonempty)
        if nonempty:
            cur.execute(sql.SQL("TRUNCATE {}").format(
                sql.SQL(", ").join(sql.Identifier("public", t) for t in TABLES)))
        # Like pg_restore: rows first, then keys, indexes and foreign keys, which
        # PostgreSQL builds and validates in one pass each. Measured at scale 0.3:
        # row-by-row foreign-key checks made the COPY 4x slower, index upkeep 2x; even
        # at scale 0.01 the rebuild is faster (1.8 s against 2.1-2.9 s).
        # All in this transaction: on any error nothing has changed.
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        constraints = _constraints(cur)
        indexes = _secondary_indexes(cur)
        for _, table, name, _ in reversed(constraints):
            cur.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.SQL(table), sql.Identifier(name)))
        rebuild: dict[str, list] = {t: [] for t in TABLES}
        for kind, table, name, definition in constraints:
            if kind != "f":
                rebuild[table.removeprefix("public.")].append(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))
        for name, table, definition in indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
            rebuild[table].append(sql.SQL(definition))
        # The COPY of each table, then its keys and indexes, run in a thread while Python
        # generates the next tables: PostgreSQL's work overlaps Python's.
        copier = _Copier(conn, world, rebuild, counts, bar)
        copier.start()
        try:
            world.build(bar.stage, copier.put)
            copier.put("equipment_utilization")
        finally:
            copier.finish()
        started = _time.monotonic()
        for kind, table, name, definition in constraints:
            if kind == "f":
                cur.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    sql.SQL(table), sql.Identifier(name), sql.SQL(definition)))
        bar.note(f"foreign keys validated in {_time.monotonic() - started:.1f} s")
    return {table: counts[table] for table in TABLES}
