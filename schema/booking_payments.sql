-- public.booking_payments: how a payment is allocated to a booking (deposit, balance, refund).
-- requires: schema/bookings.sql, schema/payments.sql
CREATE TABLE public.booking_payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    payment_id uuid NOT NULL REFERENCES public.payments (id),
    allocation text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT booking_payments_booking_id_payment_id_key UNIQUE (booking_id, payment_id),
    CONSTRAINT booking_payments_allocation_check CHECK (allocation IN ('deposit', 'balance', 'refund')),
    CONSTRAINT booking_payments_amount_check CHECK (amount >= 0)
);

CREATE INDEX booking_payments_payment_id_idx ON public.booking_payments (payment_id);

COMMENT ON TABLE public.booking_payments IS
'Allocation of payments to bookings: which part of a payment covers the deposit, the balance or is a refund.';
