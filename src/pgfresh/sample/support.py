"""``support_tickets`` and their notifications: tickets about bookings (breakdowns during
a rental, billing, booking changes, insurance) and accounts, with first-response and
resolution times by priority (nobody answers at night but for urgent ones; some breach any
SLA, some are still open)."""

from __future__ import annotations

import math

from .context import DAY, HOUR, MIN, NEVER, Context, pick, ts
from .fleet import insurance_required

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


def build_support(ctx: Context, bookings, customers) -> None:
    rng = ctx.rng("support")
    nrng = ctx.rng("support-notifications")
    for at, user, b, kind in _tickets(ctx, rng, bookings, customers):
        _ticket(ctx, rng, nrng, at, user, b, kind)


def _tickets(ctx: Context, rng, bookings, customers) -> list[tuple]:
    """(created, user, booking or None, kind) of every ticket, in order of creation."""
    now = ctx.now
    tickets = []
    for b in bookings:
        p = 0.06 + (0.1 if b.status == "cancelled" else 0) + (0.15 if b.status == "no_show" else 0)
        p += 0.04 if b.end - b.start >= 7 * DAY else 0
        if rng.random() >= p:
            continue
        if b.status in ("active", "completed") and rng.random() < 0.35:
            kind = "breakdown"
            at = b.start + int((min(b.end, now) - b.start) * rng.random())
        else:
            kind = pick(rng, (("billing", 0.45), ("booking", 0.35), ("insurance", 0.2)))
            if kind == "insurance" and not insurance_required(b.cat):
                kind = "booking"
            hi = min(b.end + 2 * DAY, now)
            at = b.created + int((hi - b.created) * rng.random())
        tickets.append((at, b.user, b, kind))
    for u in customers:
        if rng.random() < 0.04 and u.created < now - HOUR:
            tickets.append((u.created + int((now - u.created) * rng.random()), u, None, "account"))
    tickets.sort(key=lambda t: t[0])
    return tickets


def _ticket(ctx: Context, rng, nrng, at, user, b, kind) -> None:
    """One ticket's row and its notifications (received, reply, resolved)."""
    now, cal = ctx.now, ctx.cal
    subjects, pw = TICKET_SUBJECTS[kind]
    priority = pick(rng, tuple(zip(PRIORITIES, pw, strict=True)))
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
    tid = ctx.new_id()
    ctx.rows["support_tickets"].append((
        tid, user.id, b.id if b else None, b.machine.id if b and kind == "breakdown" else None,
        priority, status, rng.choice(subjects), ts(at), ts(first_at), ts(resolved_at),
        ts(updated),
    ))
    ctx.notify(nrng, user, tid, "email", "ticket_received", at + 2)
    if first_at is not None:
        ctx.notify(nrng, user, tid, rng.choice(("email", "in_app")), "ticket_reply", first_at)
    if resolved_at is not None:
        ctx.notify(nrng, user, tid, "email", "ticket_resolved", resolved_at)
