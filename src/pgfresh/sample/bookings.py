"""Bookings: demand per local day (seasons, weekdays, growth, holidays, weather), who
books what for how long and how early, cancellations and no-shows, the machine each
rental gets; then, per booking, what it pays, its status at ``now`` and its ``bookings``
row, its reminder and insurance documents.

Bookings of one machine that were not cancelled never overlap, never touch a day the
machine is under maintenance, and lie between its acquisition and its retirement."""

from __future__ import annotations

import bisect
import math

from . import insurance
from .context import DAY, HISTORY_DAYS, HOUR, MIN, NEVER, Chooser, Context, dollars, poisson, ri, ts
from .customers import SEGMENT_PROPENSITY, SEGMENTS, People
from .fleet import CATEGORIES, Fleet, insurance_required
from .money import Payments

BOOKINGS_PER_SCALE = 100_000
SEGMENT_CANCEL = {"consumer": 0.11, "contractor": 0.075, "business": 0.065, "enterprise": 0.05}
SEGMENT_PRICE = {"consumer": 1.0, "contractor": 1.0, "business": 0.95, "enterprise": 0.85}
SEGMENT_DEPOSIT = {"consumer": 0.25, "contractor": 0.25, "business": 0.2, "enterprise": 0.15}

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


class Booking:
    __slots__ = ("id", "user", "cat", "start", "end", "created", "total", "deposit", "cancel_at",
                 "cancel_kind", "no_show", "machine", "start_day", "status", "lead")


def _lead_survival(hours: float) -> float:
    """P(lead time >= hours) for LEAD_MIX."""
    total = 0.0
    for p, lo, hi in LEAD_MIX:
        total += p * (1.0 if hours <= lo else 0.0 if hours >= hi else (hi - hours) / (hi - lo))
    return total


def _demand_weight(ctx: Context, i: int, weather: float) -> float:
    d = ctx.cal.days[i]
    doy = d.timetuple().tm_yday
    season = 1.0 + 0.45 * math.cos(2 * math.pi * (doy - 190) / 365.25)
    growth = 0.7 + 0.6 * (i - ctx.D0) / HISTORY_DAYS
    w = season * growth * WEEKDAY_DEMAND[d.weekday()] * weather
    if (d.month, d.day) in ((12, 24), (12, 25), (12, 31), (1, 1), (7, 4)):
        w *= 0.3
    return w


# -- planning ------------------------------------------------------------------------------


def plan_bookings(ctx: Context, fleet: Fleet, people: People) -> tuple[list[Booking], int]:
    """The bookings made up to now, in order of creation (new customers are added to
    ``people`` as they first book), and how many requests found no free machine."""
    bookings, dropped = _assign_machines(ctx, fleet, _book(ctx, people, _requests(ctx)))
    for b in bookings:
        b.id = ctx.new_id()
    return bookings, dropped


def _requests(ctx: Context) -> list[tuple[int, int, float]]:
    """(created, start day, lead hours) of every rental request made by now, in order of
    creation; the demand model is normalized to BOOKINGS_PER_SCALE."""
    cal, now = ctx.cal, ctx.now
    rng = ctx.rng("demand")
    last_day = ctx.TODAY + 90
    weather = [math.exp(rng.gauss(0, 0.15)) for _ in range(last_day + 1)]
    weights = [_demand_weight(ctx, i, weather[i]) for i in range(last_day + 1)]
    expected = 0.0
    for i in range(ctx.D0, last_day + 1):
        ahead_h = (cal.at(i, 8 * 60) - now) / HOUR
        expected += weights[i] * (1.0 if ahead_h <= 0 else _lead_survival(ahead_h))
    base = BOOKINGS_PER_SCALE * ctx.scale / expected
    requests: list[tuple[int, int, float]] = []
    pick_lead = Chooser(tuple(((lo, hi), p) for p, lo, hi in LEAD_MIX))
    for i in range(ctx.D0, last_day + 1):
        morning = cal.at(i, 8 * 60)
        for _ in range(poisson(rng, base * weights[i])):
            lo, hi = pick_lead(rng)
            lead = rng.uniform(lo, hi)
            created = morning - int(lead * HOUR)
            if created <= now:
                requests.append((created, i, lead))
    requests.sort(key=lambda r: r[0])
    return requests


def _book(ctx: Context, people: People, requests) -> list[Booking]:
    """A booking per request, in order of creation, by a returning customer (by
    propensity, among those not churned) or a new one."""
    cum: list[float] = []
    urng = ctx.rng("users")
    brng = ctx.rng("bookings")
    customers = people.customers
    bookings: list[Booking] = []
    for created, day, lead in requests:
        user = None
        if cum and urng.random() >= 0.2:
            for _ in range(4):
                u = customers[bisect.bisect_right(cum, urng.random() * cum[-1])]
                if u.churn >= created:
                    user = u
                    break
        if user is None:
            user = people.new_customer(urng, created - ri(urng, 10 * MIN, 3 * DAY))
            cum.append((cum[-1] if cum else 0.0) + SEGMENT_PROPENSITY[user.segment])
        bookings.append(_booking(ctx, brng, user, created, day, lead))
    return bookings


_PICK_CATEGORY = [Chooser(tuple((ci, c[5][s]) for ci, c in enumerate(CATEGORIES))) for s in range(4)]
_PICK_DURATION = {seg: Chooser(DURATIONS[seg]) for seg in SEGMENTS}


def _booking(ctx: Context, brng, user, created: int, day: int, lead: float) -> Booking:
    """The booking of one request: machine category, period, price factor, cancellation."""
    cal, now = ctx.cal, ctx.now
    seg = user.segment
    si = SEGMENTS.index(seg)
    b = Booking()
    b.user = user
    b.lead = lead
    b.cat = ci = _PICK_CATEGORY[si](brng)
    dur = _PICK_DURATION[seg](brng)
    if CATEGORIES[ci][0] == "crane" and not isinstance(dur, tuple):
        dur = (2, 3)
    q = lambda lo, hi: lo + 15 * ri(brng, 0, (hi - lo) // 15)  # noqa: E731
    if dur == "half":
        s = brng.choice((7 * 60, 8 * 60, 12 * 60, 13 * 60)) + 15 * ri(brng, 0, 3)
        b.start, b.end, billable = cal.at(day, s), cal.at(day, s + 240), 0.6
    elif dur == "overnight":
        b.start = cal.at(day, q(16 * 60, 18 * 60 + 30))
        b.end, billable = cal.at(day + 1, q(7 * 60, 10 * 60)), 1
    elif dur == "day":
        b.start = cal.at(day, q(6 * 60, 10 * 60))
        b.end, billable = cal.at(day, q(16 * 60, 19 * 60)), 1
    else:
        n = ri(brng, *dur)
        b.start = cal.at(day, q(6 * 60, 10 * 60))
        if brng.random() < 0.2:  # returned the next morning
            b.end = cal.at(day + n, q(7 * 60, 9 * 60))
        else:
            b.end = cal.at(day + n - 1, q(15 * 60, 19 * 60))
        billable = n * (1.0 if n < 5 else 0.8 if n < 14 else 0.65 if n < 28 else 0.5)
    b.created = min(created, b.start - 2 * HOUR - ri(brng, 0, 2 * HOUR))
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
    return b


def _assign_machines(ctx: Context, fleet: Fleet, bookings: list[Booking]) -> tuple[list[Booking], int]:
    """A free machine for each booking, in order of start (another category when its own
    has none free; dropped when none is); then prices from the machine's rate."""
    mrng = ctx.rng("machines")
    now = ctx.now
    bookings.sort(key=lambda b: b.start)
    kept = []
    dropped = 0
    for b in bookings:
        ds, de = b.start_day, ctx.cal.day_of(b.end - 1)
        blocks = b.cancel_kind is None or b.cancel_at > now
        m = fleet.free_machine(mrng, b.cat, b.start, b.end, ds, de)
        if m is None:  # the customer takes another kind of machine, if any is free
            k = int(mrng.random() * len(CATEGORIES))
            for j in range(len(CATEGORIES)):
                m = fleet.free_machine(mrng, (k + j) % len(CATEGORIES), b.start, b.end, ds, de)
                if m is not None:
                    break
        if m is None:
            dropped += 1
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
    return kept, dropped


# -- each booking's life -------------------------------------------------------------------


def build_booking_details(ctx: Context, bookings: list[Booking], people: People) -> Payments:
    """Per booking, in order of creation: its payments, its row (status at now), its
    payment schedules, refunds, reminder and insurance documents. Returns the payments
    (their money through Stripe is paid out later)."""
    now = ctx.now
    irng = ctx.rng("insurance")
    pay = Payments(ctx, people.staff)
    for b in bookings:
        dep_due, bal_due, cancelled_at, dep, bal = pay.deposit_and_balance(b)
        cancelled = cancelled_at <= now
        _record(ctx, b, dep, cancelled, cancelled_at)
        pay.schedules(b, dep_due, bal_due, dep, bal, cancelled)
        pay.refunds(b, dep, bal, cancelled, cancelled_at)
        _remind(ctx, pay.nrng, b, dep, cancelled, cancelled_at)
        if insurance_required(b.cat):
            insurance.build_documents(ctx, irng, pay.nrng, b, cancelled_at if cancelled else NEVER)
    return pay


def _record(ctx: Context, b: Booking, dep, cancelled: bool, cancelled_at: int) -> None:
    """The booking's status at now and its row; its machine's rentals and its
    customer's last activity."""
    now = ctx.now
    user, S, E, C = b.user, b.start, b.end, b.created
    if cancelled:
        status, updated = "cancelled", cancelled_at
    elif S >= now:
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
    ctx.rows["bookings"].append((
        b.id, user.id, b.machine.id, status, ts(S), ts(E), dollars(b.total), dollars(b.deposit),
        "USD", ts(C), ts(max(updated, C)), ts(cancelled_at) if cancelled else None,
    ))


def _remind(ctx: Context, nrng, b: Booking, dep, cancelled: bool, cancelled_at: int) -> None:
    """The reminder the day before the start: sent, or queued when it is due within a day."""
    S, C, user = b.start, b.created, b.user
    remind = S - DAY
    if remind >= C and (not cancelled or cancelled_at > remind):
        if remind <= ctx.now:
            ctx.notify(nrng, user, None, user.channel, "booking_reminder", remind)
        elif b.status == "confirmed" and remind <= ctx.now + DAY:
            ctx.notify(nrng, user, None, user.channel, "booking_reminder", max(dep[1], C), queued=True)
