-- public.payments: one row per money movement with a customer for a booking: a deposit, a
-- balance payment or a refund, through Stripe or recorded by staff.
-- requires: schema/bookings.sql, schema/users.sql
CREATE TABLE public.payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    user_id uuid NOT NULL REFERENCES public.users (id),
    kind text NOT NULL,
    method text NOT NULL DEFAULT 'stripe',
    status text NOT NULL DEFAULT 'pending',
    amount numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    stripe_payment_intent_id text,
    refund_of uuid REFERENCES public.payments (id),
    paid_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_kind_check CHECK (kind IN ('deposit', 'balance', 'refund')),
    CONSTRAINT payments_method_check CHECK (method IN ('stripe', 'manual')),
    CONSTRAINT payments_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
    CONSTRAINT payments_amount_check CHECK (amount > 0),
    CONSTRAINT payments_refund_of_check CHECK ((kind = 'refund') = (refund_of IS NOT NULL)),
    CONSTRAINT payments_paid_at_check CHECK ((status = 'succeeded') = (paid_at IS NOT NULL)),
    CONSTRAINT payments_stripe_check CHECK (method = 'stripe' OR stripe_payment_intent_id IS NULL)
);

CREATE INDEX payments_booking_id_idx ON public.payments (booking_id);
CREATE INDEX payments_user_id_idx ON public.payments (user_id);
CREATE INDEX payments_refund_of_idx ON public.payments (refund_of);
CREATE INDEX payments_stripe_payment_intent_id_idx ON public.payments (stripe_payment_intent_id);
CREATE INDEX payments_paid_at_idx ON public.payments (paid_at);
CREATE INDEX payments_created_at_idx ON public.payments (created_at);

COMMENT ON TABLE public.payments IS
'Customer payments per booking: deposits, balances and refunds, by Stripe or manual.';
COMMENT ON COLUMN public.payments.kind IS
'deposit (up-front part of the booking), balance (the rest), refund (money returned).';
COMMENT ON COLUMN public.payments.method IS
'stripe (card, via a PaymentIntent) or manual (cash, check, transfer; see manual_payments).';
COMMENT ON COLUMN public.payments.status IS
'pending (initiated), succeeded (money moved; paid_at set), failed. Only succeeded rows count.';
COMMENT ON COLUMN public.payments.amount IS
'Always positive, in currency; the direction comes from kind (refund: money back to the customer).';
COMMENT ON COLUMN public.payments.stripe_payment_intent_id IS
'Stripe PaymentIntent (pi_...) for method stripe; a refund carries the intent it refunds.';
COMMENT ON COLUMN public.payments.refund_of IS
'For a refund (and only then): the payment it returns money from.';
COMMENT ON COLUMN public.payments.paid_at IS
'When status became succeeded; NULL while pending or when failed.';
