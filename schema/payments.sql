-- public.payments: one row per money movement with a customer: a deposit, a balance
-- payment or a refund, through Stripe or recorded manually.
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
    CONSTRAINT payments_kind_check CHECK (kind IN ('deposit', 'balance', 'refund')),
    CONSTRAINT payments_method_check CHECK (method IN ('stripe', 'manual')),
    CONSTRAINT payments_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
    CONSTRAINT payments_amount_check CHECK (amount > 0),
    CONSTRAINT payments_refund_check CHECK ((kind = 'refund') = (refund_of IS NOT NULL))
);

CREATE INDEX payments_booking_id_idx ON public.payments (booking_id);
CREATE INDEX payments_user_id_idx ON public.payments (user_id);
CREATE INDEX payments_paid_at_idx ON public.payments (paid_at);
CREATE INDEX payments_refund_of_idx ON public.payments (refund_of);

COMMENT ON TABLE public.payments IS
'Customer payments: deposits, balances and refunds (a refund is a positive amount with kind refund).';
COMMENT ON COLUMN public.payments.amount IS 'Always positive; kind = refund means money returned to the customer.';
COMMENT ON COLUMN public.payments.paid_at IS 'When the payment succeeded; NULL while pending or failed.';
COMMENT ON COLUMN public.payments.refund_of IS 'For a refund: the payment it returns money from.';
