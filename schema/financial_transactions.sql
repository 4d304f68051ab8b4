-- public.financial_transactions: the ledger: one row per money movement of the business's
-- balance (charges, refunds, fees, payouts, adjustments, manual payments).
-- requires: schema/payments.sql, schema/payout_reconciliations.sql
CREATE TABLE public.financial_transactions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    payment_id uuid REFERENCES public.payments (id),
    payout_id uuid REFERENCES public.payout_reconciliations (id),
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT financial_transactions_kind_check CHECK (
        kind IN ('charge', 'refund', 'payout', 'fee', 'adjustment', 'manual_payment')
    ),
    CONSTRAINT financial_transactions_sign_check CHECK (
        (kind IN ('charge', 'manual_payment') AND amount > 0)
        OR (kind IN ('refund', 'payout', 'fee') AND amount < 0)
        OR kind = 'adjustment'
    )
);

CREATE INDEX financial_transactions_payment_id_idx ON public.financial_transactions (payment_id);
CREATE INDEX financial_transactions_payout_id_idx ON public.financial_transactions (payout_id);
CREATE INDEX financial_transactions_occurred_at_idx
ON public.financial_transactions (occurred_at);

COMMENT ON TABLE public.financial_transactions IS
'Ledger of the business''s money movements; the sum of amount is the change of its balance.';
COMMENT ON COLUMN public.financial_transactions.kind IS
'charge (customer payment by Stripe), manual_payment (cash, check, transfer), refund, '
'fee (Stripe or bank fee), payout (from Stripe to the bank account), adjustment (correction).';
COMMENT ON COLUMN public.financial_transactions.amount IS
'Signed: money in is positive (charge, manual_payment), money out negative (refund, fee, payout); '
'an adjustment may be either.';
COMMENT ON COLUMN public.financial_transactions.payment_id IS
'The customer payment behind a charge, refund, fee or manual_payment, when there is one.';
COMMENT ON COLUMN public.financial_transactions.payout_id IS 'The payout behind a payout row.';
COMMENT ON COLUMN public.financial_transactions.occurred_at IS
'When the money moved (not when the row was written).';
