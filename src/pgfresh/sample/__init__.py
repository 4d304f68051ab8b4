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

The package, by what each part generates: ``context`` (time, ids, random streams, text
forms), ``tables`` (columns per table), ``fleet`` and ``maintenance``, ``customers``,
``bookings`` (demand, then each booking's life), ``money`` (payments, refunds, ledger,
payouts), ``insurance``, ``support``, ``analytics``, ``world`` (the stages in order) and
``loader`` (COPY into PostgreSQL).
"""

from .context import DEFAULT_TIMEZONE, reference_time, today
from .loader import SampleError, load
from .tables import COLUMNS, DERIVED, TABLES
from .world import Dataset, World, generate

__all__ = [
    "COLUMNS", "DEFAULT_TIMEZONE", "DERIVED", "TABLES", "Dataset", "SampleError", "World", "generate",
    "load", "reference_time", "today",
]
