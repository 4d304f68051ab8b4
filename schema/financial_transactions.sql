-- public.financial_transactions: the ledger: one row per money movement of the business.
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
    CONSTRAINT financial_transactions_kind_check CHECK (kind IN ('charge', 'refund', 'payout', 'fee', 'adjustment', 'manual_payment'))
);

CREATE INDEX financial_transactions_occurred_at_idx ON public.financial_transactions (occurred_at);
CREATE INDEX financial_transactions_payment_id_idx ON public.financial_transactions (payment_id);
CREATE INDEX financial_transactions_payout_id_idx ON public.financial_transactions (payout_id);

COMMENT ON TABLE public.financial_transactions IS 'Ledger of the business''s money movements.';
COMMENT ON COLUMN public.financial_transactions.amount IS
'Signed: money in is positive (charge, manual_payment), money out negative (refund, fee, payout to bank).';
