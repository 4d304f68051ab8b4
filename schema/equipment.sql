-- public.equipment: one row per rentable piece of equipment in the fleet.
CREATE TABLE public.equipment (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    category text NOT NULL,
    status text NOT NULL DEFAULT 'available',
    daily_rate numeric(10, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'USD',
    acquired_at date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT equipment_status_check CHECK (
        status IN ('available', 'rented', 'maintenance', 'retired')
    ),
    CONSTRAINT equipment_daily_rate_check CHECK (daily_rate >= 0)
);

CREATE INDEX equipment_category_idx ON public.equipment (category);
CREATE INDEX equipment_status_idx ON public.equipment (status);

COMMENT ON TABLE public.equipment IS 'The rental fleet: one row per machine.';
COMMENT ON COLUMN public.equipment.category IS
'Free text kind of machine: excavator, lift, generator, compressor, trailer, ...';
COMMENT ON COLUMN public.equipment.status IS
'available, rented (on a booking now), maintenance (out of service), retired (never rented again).';
COMMENT ON COLUMN public.equipment.daily_rate IS 'List price per rental day, in currency.';
COMMENT ON COLUMN public.equipment.acquired_at IS 'Calendar day the machine joined the fleet.';
