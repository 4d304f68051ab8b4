-- public.payout_reconciliations: one row per Stripe payout to the business's bank account, and
-- its reconciliation against the bank statement.
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
    CONSTRAINT payout_reconciliations_status_check CHECK (
        status IN ('pending', 'in_transit', 'paid', 'failed', 'reconciled')
    ),
    CONSTRAINT payout_reconciliations_amount_check CHECK (amount > 0),
    CONSTRAINT payout_reconciliations_reconciled_at_check CHECK (
        (status = 'reconciled') = (reconciled_at IS NOT NULL)
    )
);

CREATE INDEX payout_reconciliations_status_idx ON public.payout_reconciliations (status);
CREATE INDEX payout_reconciliations_expected_at_idx
ON public.payout_reconciliations (expected_at);

COMMENT ON TABLE public.payout_reconciliations IS
'Stripe payouts to the bank and their reconciliation; pending and in_transit: not in the bank yet.';
COMMENT ON COLUMN public.payout_reconciliations.stripe_payout_id IS 'Stripe payout id (po_...).';
COMMENT ON COLUMN public.payout_reconciliations.amount IS 'Amount paid out, positive, in currency.';
COMMENT ON COLUMN public.payout_reconciliations.status IS
'pending (created in Stripe), in_transit (sent to the bank), paid (Stripe reports it arrived), '
'failed, reconciled (finance matched it to the bank statement; reconciled_at set).';
COMMENT ON COLUMN public.payout_reconciliations.expected_at IS
'When Stripe expects the payout to arrive (its arrival_date).';
COMMENT ON COLUMN public.payout_reconciliations.arrived_at IS
'When the money arrived in the bank; NULL before.';
