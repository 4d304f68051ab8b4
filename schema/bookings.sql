-- public.bookings: one row per rental booking of one machine by one customer.
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
    CONSTRAINT bookings_status_check CHECK (status IN ('pending', 'confirmed', 'active', 'completed', 'cancelled', 'no_show')),
    CONSTRAINT bookings_period_check CHECK (end_at > start_at),
    CONSTRAINT bookings_amounts_check CHECK (total_amount >= 0 AND deposit_amount >= 0)
);

CREATE INDEX bookings_user_id_idx ON public.bookings (user_id);
CREATE INDEX bookings_equipment_id_start_at_idx ON public.bookings (equipment_id, start_at);
CREATE INDEX bookings_created_at_idx ON public.bookings (created_at);
CREATE INDEX bookings_status_idx ON public.bookings (status);

COMMENT ON TABLE public.bookings IS 'Rental bookings: one machine, one customer, one period.';
COMMENT ON COLUMN public.bookings.status IS
'pending (awaiting deposit), confirmed, active (on rent), completed, cancelled, no_show (customer never picked up).';
COMMENT ON COLUMN public.bookings.total_amount IS 'Price of the whole rental; deposit_amount is due first, the balance later.';
COMMENT ON COLUMN public.bookings.cancelled_at IS 'When the booking was cancelled; NULL unless status = cancelled.';
