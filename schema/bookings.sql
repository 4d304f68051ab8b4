-- public.bookings: one row per rental booking of one piece of equipment by one customer.
-- requires: schema/users.sql, schema/equipment.sql
CREATE TABLE public.bookings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES public.users (id),
    equipment_id uuid NOT NULL REFERENCES public.equipment (id),
    status text NOT NULL DEFAULT 'pending',
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    total_amount numeric(12, 2) NOT NULL,
    deposit_amount numeric(12, 2) NOT NULL DEFAULT 0,
    currency char(3) NOT NULL DEFAULT 'USD',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    CONSTRAINT bookings_status_check CHECK (
        status IN ('pending', 'confirmed', 'active', 'completed', 'cancelled', 'no_show')
    ),
    CONSTRAINT bookings_period_check CHECK (end_at > start_at),
    CONSTRAINT bookings_amounts_check CHECK (
        total_amount >= 0 AND deposit_amount >= 0 AND deposit_amount <= total_amount
    )
);

CREATE INDEX bookings_user_id_idx ON public.bookings (user_id);
CREATE INDEX bookings_equipment_id_start_at_idx ON public.bookings (equipment_id, start_at);
CREATE INDEX bookings_status_idx ON public.bookings (status);
CREATE INDEX bookings_start_at_idx ON public.bookings (start_at);
CREATE INDEX bookings_created_at_idx ON public.bookings (created_at);

COMMENT ON TABLE public.bookings IS 'Rental bookings: one machine, one customer, one period.';
COMMENT ON COLUMN public.bookings.status IS
'pending (awaiting deposit), confirmed (deposit paid), active (on rent), completed (returned), '
'cancelled, no_show (the customer never picked the machine up).';
COMMENT ON COLUMN public.bookings.start_at IS 'Start of the rental period (pick-up).';
COMMENT ON COLUMN public.bookings.end_at IS 'End of the rental period (return), after start_at.';
COMMENT ON COLUMN public.bookings.total_amount IS
'Price of the whole rental in currency, deposit included.';
COMMENT ON COLUMN public.bookings.deposit_amount IS
'Part of total_amount due up front; the balance, total_amount - deposit_amount, is due later.';
COMMENT ON COLUMN public.bookings.cancelled_at IS
'When the booking was cancelled; set when status becomes cancelled, NULL otherwise (not enforced).';
