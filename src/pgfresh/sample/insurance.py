"""``insurance_documents`` for rentals of heavy machines: due around the booking's start;
approved, rejected (then mostly resubmitted), pending (some long past due, with a
reminder) or expired (expires_at <= now)."""

from __future__ import annotations

from .context import DAY, HOUR, MIN, Chooser, Context, ri, ts

_PICK_POLICY_DAYS = Chooser(((30, 0.1), (90, 0.2), (180, 0.3), (365, 0.4)))


def build_documents(ctx: Context, rng, nrng, b, cancelled_at: int) -> None:
    """The documents of booking ``b``: one submission, or two after a rejection; none is
    submitted after ``cancelled_at``."""
    now = ctx.now
    S, C = b.start, b.created
    due = max(S - rng.choice((72, 48, 24, 24, 24, 12, 0)) * HOUR, C + HOUR)
    r = rng.random()
    if r < 0.6:
        sub = C + ri(rng, 5 * MIN, 2 * HOUR)
    elif r < 0.9:
        sub = C + int((due - C) * 0.9 * rng.random())
    else:
        sub = due + ri(rng, HOUR, 2 * DAY)
    attempts = 0
    while sub <= now and sub <= cancelled_at and attempts < 2:
        attempts += 1
        r = rng.random()
        outcome = "approved" if r < 0.84 else "rejected" if r < 0.92 else "stuck"
        if attempts == 2 and outcome == "rejected" and rng.random() < 0.5:
            outcome = "approved"
        delay = ri(rng, 3 * DAY, 20 * DAY) if outcome == "stuck" else ri(rng, 20 * MIN, 30 * HOUR)
        reviewed = sub + delay
        expires = None
        if reviewed > now:
            status, reviewed = "pending", None
        elif outcome == "rejected":
            status = "rejected"
        else:
            expires = reviewed + _PICK_POLICY_DAYS(rng) * DAY
            status = "expired" if expires <= now else "approved"
        ctx.rows["insurance_documents"].append((ctx.new_id(), b.id, b.user.id, status, ts(sub),
                                                ts(due), ts(reviewed), ts(expires), ts(sub)))
        if status == "pending" and due <= now:
            ctx.notify(nrng, b.user, None, "email", "insurance_reminder", due)
        if status != "rejected" or rng.random() < 0.2:
            break
        sub = reviewed + ri(rng, HOUR, 2 * DAY)
