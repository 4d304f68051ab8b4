-- public.booking_payments: one row per allocation of a payment to a booking: which part of
-- the payment covers the deposit or the balance, or is refunded.
-- requires: schema/bookings.sql, schema/payments.sql
CREATE TABLE public.booking_payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    payment_id uuid NOT NULL REFERENCES public.payments (id),
    allocation text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT booking_payments_booking_id_payment_id_key UNIQUE (booking_id, payment_id),
    CONSTRAINT booking_payments_allocation_check CHECK (
        allocation IN ('deposit', 'balance', 'refund')
    ),
    CONSTRAINT booking_payments_amount_check CHECK (amount >= 0)
);

-- (booking_id, ...) is served by the unique constraint's index.
CREATE INDEX booking_payments_payment_id_idx ON public.booking_payments (payment_id);
CREATE INDEX booking_payments_created_at_idx ON public.booking_payments (created_at);

COMMENT ON TABLE public.booking_payments IS
'How payments are allocated to bookings: deposit, balance or refund part of each payment.';
COMMENT ON COLUMN public.booking_payments.allocation IS
'deposit or balance (money toward the booking), refund (money returned for the booking).';
COMMENT ON COLUMN public.booking_payments.amount IS
'Positive amount of the payment allocated here, in the payment''s currency.';
