-- public.manual_payments: one row per payment received outside Stripe (cash, check, bank
-- transfer) and recorded by staff.
-- requires: schema/bookings.sql, schema/users.sql, schema/payments.sql
CREATE TABLE public.manual_payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    user_id uuid NOT NULL REFERENCES public.users (id),
    payment_id uuid REFERENCES public.payments (id),
    method text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    reference text,
    received_at timestamptz NOT NULL,
    recorded_by uuid REFERENCES public.users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT manual_payments_method_check CHECK (method IN ('cash', 'check', 'bank_transfer')),
    CONSTRAINT manual_payments_amount_check CHECK (amount > 0)
);

CREATE INDEX manual_payments_booking_id_idx ON public.manual_payments (booking_id);
CREATE INDEX manual_payments_user_id_idx ON public.manual_payments (user_id);
CREATE INDEX manual_payments_payment_id_idx ON public.manual_payments (payment_id);
CREATE INDEX manual_payments_recorded_by_idx ON public.manual_payments (recorded_by);
CREATE INDEX manual_payments_received_at_idx ON public.manual_payments (received_at);

COMMENT ON TABLE public.manual_payments IS
'Payments received outside Stripe and recorded by staff.';
COMMENT ON COLUMN public.manual_payments.user_id IS 'The customer who paid.';
COMMENT ON COLUMN public.manual_payments.payment_id IS
'The payments row (method manual) this was recorded as; NULL until it is.';
COMMENT ON COLUMN public.manual_payments.amount IS 'Amount received, always positive, in currency.';
COMMENT ON COLUMN public.manual_payments.reference IS 'Check number or bank transfer reference.';
COMMENT ON COLUMN public.manual_payments.received_at IS
'When the money was received (may be before the row was created).';
COMMENT ON COLUMN public.manual_payments.recorded_by IS 'The staff user who recorded it.';
