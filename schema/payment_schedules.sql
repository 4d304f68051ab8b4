-- public.payment_schedules: one row per installment a booking owes (its deposit, its balance).
-- requires: schema/bookings.sql, schema/payments.sql
CREATE TABLE public.payment_schedules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    kind text NOT NULL,
    amount_due numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    due_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'scheduled',
    paid_at timestamptz,
    payment_id uuid REFERENCES public.payments (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_schedules_kind_check CHECK (kind IN ('deposit', 'balance')),
    CONSTRAINT payment_schedules_status_check CHECK (
        status IN ('scheduled', 'paid', 'overdue', 'cancelled')
    ),
    CONSTRAINT payment_schedules_amount_due_check CHECK (amount_due >= 0),
    CONSTRAINT payment_schedules_paid_at_check CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

CREATE INDEX payment_schedules_booking_id_idx ON public.payment_schedules (booking_id);
CREATE INDEX payment_schedules_payment_id_idx ON public.payment_schedules (payment_id);
CREATE INDEX payment_schedules_due_at_idx ON public.payment_schedules (due_at);

COMMENT ON TABLE public.payment_schedules IS
'Installments owed per booking; rows scheduled or overdue are the outstanding balances.';
COMMENT ON COLUMN public.payment_schedules.status IS
'scheduled (unpaid, not yet marked overdue), paid (paid_at set), overdue (marked by billing once '
'due_at passed unpaid), cancelled. A scheduled row past due_at is overdue in fact.';
COMMENT ON COLUMN public.payment_schedules.amount_due IS 'Amount owed for this installment.';
COMMENT ON COLUMN public.payment_schedules.payment_id IS
'The payment that settled this installment, when known.';
