-- public.manual_payments: one row per payment staff recorded by hand (cash, check, transfer).
-- requires: schema/bookings.sql, schema/users.sql, schema/payments.sql
CREATE TABLE public.manual_payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    user_id uuid NOT NULL REFERENCES public.users (id),
    payment_id uuid REFERENCES public.payments (id),
    method text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    reference text,
    received_at timestamptz NOT NULL,
    recorded_by uuid REFERENCES public.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT manual_payments_method_check CHECK (method IN ('cash', 'check', 'bank_transfer')),
    CONSTRAINT manual_payments_amount_check CHECK (amount > 0)
);

CREATE INDEX manual_payments_booking_id_idx ON public.manual_payments (booking_id);
CREATE INDEX manual_payments_received_at_idx ON public.manual_payments (received_at);

COMMENT ON TABLE public.manual_payments IS
'Payments received outside Stripe and recorded by staff; payment_id links the payments row it became.';
