-- public.payout_reconciliations: one row per Stripe payout to the business's bank account.
CREATE TABLE public.payout_reconciliations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    stripe_payout_id text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    status text NOT NULL DEFAULT 'pending',
    expected_at timestamptz NOT NULL,
    arrived_at timestamptz,
    reconciled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payout_reconciliations_stripe_payout_id_key UNIQUE (stripe_payout_id),
    CONSTRAINT payout_reconciliations_status_check CHECK (status IN ('pending', 'in_transit', 'paid', 'failed', 'reconciled')),
    CONSTRAINT payout_reconciliations_amount_check CHECK (amount >= 0)
);

CREATE INDEX payout_reconciliations_expected_at_idx ON public.payout_reconciliations (expected_at);
CREATE INDEX payout_reconciliations_status_idx ON public.payout_reconciliations (status);

COMMENT ON TABLE public.payout_reconciliations IS
'Stripe payouts and their reconciliation with the bank: pending/in_transit are not yet in the bank.';
