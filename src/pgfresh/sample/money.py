"""Money, in integer cents: each booking's deposit then balance (two ``payment_schedules``
rows, the deposit due and paid first), paid through Stripe (some after a declined card)
or by hand (``manual_payments``: cash, check, transfer; a few received in the last two
days are not linked to a payment yet), refunds of cancellations, no-shows and credits,
the signed ledger (``financial_transactions``) and Stripe's daily payouts
(``payout_reconciliations``)."""

from __future__ import annotations

from .context import DAY, HOUR, MIN, NEVER, Context, dollars, ri, ts


def ledger(ctx: Context, kind, amount_t, payment_id, payout_id, at_t) -> None:
    """A ledger row; amount and time as text (signed amount)."""
    ctx.rows["financial_transactions"].append(
        (ctx.new_id(), kind, amount_t, "USD", payment_id, payout_id, at_t, at_t))


class Payments:
    """What the bookings pay and get back. A paid installment is (payment id, paid_at,
    amount, method, intent); ``stripe_moves`` collects (epoch, cents) through Stripe's
    balance, for the payouts."""

    def __init__(self, ctx: Context, staff):
        self.ctx = ctx
        self.staff = staff
        self.rng = ctx.rng("payments")
        self.nrng = ctx.rng("notifications")
        self.stripe_moves: list[tuple[int, int]] = []

    def deposit_and_balance(self, b):
        """When the deposit and the balance are due and paid: (deposit due, balance due,
        cancelled_at, deposit, balance), a deposit never paid cancelling the booking."""
        rng, now = self.rng, self.ctx.now
        user, S, E, C = b.user, b.start, b.end, b.created
        dep_due = C + min(DAY, (S - C) // 2)
        bal_due = max(S - 2 * DAY, dep_due + 30 * MIN)
        cancelled_at = b.cancel_at
        # deposit
        if b.cancel_kind == "nonpayment":
            pd = NEVER
            cancelled_at = max(C + 600, min(dep_due + ri(rng, DAY, 3 * DAY), S - 30 * MIN))
        elif user.manual:
            pd = C + ri(rng, 2 * HOUR, max(2 * HOUR + 1, dep_due - C + 2 * DAY))
        elif rng.random() < 0.9:
            pd = C + ri(rng, MIN, 20 * MIN)
        else:
            pd = C + ri(rng, HOUR, max(HOUR + 1, dep_due - C))
        if pd < NEVER:
            pd = min(pd, S - 15 * MIN)
        cancelled = cancelled_at <= now
        cut = cancelled_at if cancelled else NEVER
        dep = self._installment(b, "deposit", b.deposit, pd, cut, allow_unlinked=S >= now)
        # balance
        pb = NEVER
        if dep is not None:
            r = rng.random()
            if r < 0.008:
                pb = NEVER
            elif r < 0.038:
                pb = E + ri(rng, DAY, 30 * DAY)
            elif user.manual:
                pb = bal_due + ri(rng, -3 * DAY, 4 * DAY)
            elif r < 0.85:
                pb = bal_due + ri(rng, MIN, 30 * MIN)
            else:
                pb = dep[1] + int((bal_due - dep[1]) * rng.random())
            pb = max(pb, dep[1] + 10 * MIN)
        bal_cut = cut if cancelled else (S + 3 * HOUR if b.no_show else NEVER)
        bal = None
        if dep is not None:
            bal = self._installment(b, "balance", b.total - b.deposit, pb, bal_cut, allow_unlinked=False)
        return dep_due, bal_due, cancelled_at, dep, bal

    def schedules(self, b, dep_due, bal_due, dep, bal, cancelled: bool) -> None:
        """The two payment_schedules rows: paid, cancelled, overdue (with a reminder a day
        later) or scheduled."""
        ctx = self.ctx
        now = ctx.now
        created_t = ts(b.created)
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
            ctx.rows["payment_schedules"].append((ctx.new_id(), b.id, kind, dollars(amount), ts(due), st,
                                                  ts(paid_at), pid, created_t))
            if st == "overdue" and due + DAY <= now:
                ctx.notify(self.nrng, b.user, None, "email", "payment_overdue", due + DAY)

    def refunds(self, b, dep, bal, cancelled: bool, cancelled_at: int) -> None:
        """Money back: for a cancellation (all of it when early, else maybe half the
        deposit), for a no-show's balance, as a credit after some completed rentals."""
        rng = self.rng
        S, E = b.start, b.end
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
                self._refund(b, paid, amount, cancelled_at + ri(rng, 10 * MIN, 2 * DAY))
        elif b.no_show and bal is not None:
            self._refund(b, bal, bal[2], S + ri(rng, DAY, 3 * DAY))
        elif b.status == "completed" and bal is not None and rng.random() < 0.035:
            amount = max(1, int(bal[2] * rng.uniform(0.1, 0.5)))
            if rng.random() < 0.1:
                amount = bal[2]
            self._refund(b, bal, amount, max(E, bal[1]) + ri(rng, DAY, 7 * DAY))

    def _installment(self, b, kind, amount, when, cutoff, allow_unlinked):
        """Pay ``amount`` at ``when`` unless the booking was cancelled first or it is in the
        future; returns (payment id, paid_at, amount, method, intent) or None."""
        ctx, rng = self.ctx, self.rng
        now = ctx.now
        if when >= NEVER or when > cutoff or when > now:
            return None
        user, rows = b.user, ctx.rows
        when_t, amount_t = ts(when), dollars(amount)  # each used in several rows
        if user.manual and rng.random() < 0.85:
            recorded = min(when + ri(rng, 10 * MIN, 6 * HOUR), now)
            recorded_t = ts(recorded)
            method = rng.choice(("cash", "check", "check", "bank_transfer"))
            reference = (None if method == "cash" else f"CHK-{ri(rng, 1000, 99999)}"
                         if method == "check" else f"WIRE-{rng.getrandbits(40):010X}")
            staff = rng.choice(self.staff)
            if allow_unlinked and now - when < 2 * DAY and rng.random() < 0.3:
                rows["manual_payments"].append((ctx.new_id(), b.id, user.id, None, method, amount_t,
                                                reference, when_t, staff.id, recorded_t))
                return None
            pid = ctx.new_id()
            rows["payments"].append((pid, b.id, user.id, kind, "manual", "succeeded", amount_t, "USD",
                                     None, None, when_t, recorded_t))
            rows["manual_payments"].append((ctx.new_id(), b.id, user.id, pid, method, amount_t,
                                            reference, when_t, staff.id, recorded_t))
            ledger(ctx, "manual_payment", amount_t, pid, None, when_t)
            result = (pid, when, amount, "manual", None)
        else:
            if rng.random() < 0.05:  # a declined card first
                failed_at = max(b.created, when - ri(rng, 10 * MIN, DAY))
                rows["payments"].append((ctx.new_id(), b.id, user.id, kind, "stripe", "failed",
                                         amount_t, "USD", ctx.token("pi"), None, None, ts(failed_at)))
            pid, intent = ctx.new_id(), ctx.token("pi")
            rows["payments"].append((pid, b.id, user.id, kind, "stripe", "succeeded", amount_t, "USD",
                                     intent, None, when_t, ts(when - ri(rng, 3, 90))))
            fee = amount * 29 // 1000 + 30
            ledger(ctx, "charge", amount_t, pid, None, when_t)
            ledger(ctx, "fee", dollars(-fee), pid, None, when_t)
            self.stripe_moves.append((when, amount - fee))
            if rng.random() < 0.003:  # a dispute: Stripe's dispute fee
                at = when + ri(rng, 10 * DAY, 40 * DAY)
                if at <= now:
                    ledger(ctx, "adjustment", "-15.00", pid, None, ts(at))
                    self.stripe_moves.append((at, -1500))
            result = (pid, when, amount, "stripe", intent)
        rows["booking_payments"].append((ctx.new_id(), b.id, pid, kind, amount_t, when_t))
        ctx.notify(self.nrng, user, None, "email", "payment_receipt", when)
        return result

    def _refund(self, b, paid, amount, requested) -> None:
        """Refund ``amount`` of the installment ``paid``, requested at ``requested`` (a
        recent one may still be pending)."""
        ctx, rng = self.ctx, self.rng
        now = ctx.now
        if requested > now:
            return
        orig, _, _, method, intent = paid
        done = requested + (ri(rng, 5 * MIN, DAY) if method == "stripe" else ri(rng, DAY, 5 * DAY))
        ok = done <= now
        pid = ctx.new_id()
        amount_t, done_t = dollars(amount), ts(done)
        ctx.rows["payments"].append((
            pid, b.id, b.user.id, "refund", method, "succeeded" if ok else "pending", amount_t, "USD",
            intent, orig, done_t if ok else None, ts(requested),
        ))
        if ok:
            ctx.rows["booking_payments"].append((ctx.new_id(), b.id, pid, "refund", amount_t, done_t))
            ledger(ctx, "refund", dollars(-amount), pid, None, done_t)
            if method == "stripe":
                self.stripe_moves.append((done, -amount))
            ctx.notify(self.nrng, b.user, None, "email", "refund_receipt", done)


def build_payouts(ctx: Context, stripe_moves: list[tuple[int, int]]) -> None:
    """Stripe's balance paid out daily: pending, in_transit, paid, reconciled, or failed
    (its money comes back and goes out with a later payout)."""
    rng = ctx.rng("payouts")
    cal, now = ctx.cal, ctx.now
    by_day: dict[int, int] = {}
    for at, cents in stripe_moves:
        d = cal.day_of(at)
        by_day[d] = by_day.get(d, 0) + cents
    carry = 0
    for d in range(min(by_day, default=ctx.TODAY), ctx.TODAY):
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
        pid = ctx.new_id()
        if expected > now:
            status, updated = ("pending" if d == ctx.TODAY - 1 else "in_transit"), created
        elif rng.random() < 0.01:
            status, updated = "failed", expected
            # the money comes back to Stripe's balance and goes out with a later payout
            ledger(ctx, "adjustment", dollars(net), None, pid, ts(expected))
            by_day[e] = by_day.get(e, 0) + net
        else:
            arrived = expected + ri(rng, 0, 3 * HOUR)
            reconciled = arrived + ri(rng, 4 * HOUR, 3 * DAY)
            if arrived > now:
                status, arrived, reconciled, updated = "in_transit", None, None, created
            elif reconciled > now or rng.random() < 0.01:
                status, reconciled, updated = "paid", None, arrived
            else:
                status, updated = "reconciled", reconciled
        ctx.rows["payout_reconciliations"].append((
            pid, ctx.token("po"), dollars(net), "USD", status, ts(expected), ts(arrived),
            ts(reconciled), ts(created), ts(updated),
        ))
        ledger(ctx, "payout", dollars(-net), None, pid, ts(created))
