-- public.equipment_utilization: one row per machine per day (telemetry and ops record):
-- hours used out of hours available.
-- requires: schema/equipment.sql
CREATE TABLE public.equipment_utilization (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    equipment_id uuid NOT NULL REFERENCES public.equipment (id),
    usage_date date NOT NULL,
    hours_used numeric(5, 2) NOT NULL DEFAULT 0,
    hours_available numeric(5, 2) NOT NULL DEFAULT 24,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT equipment_utilization_equipment_id_usage_date_key UNIQUE (
        equipment_id, usage_date
    ),
    CONSTRAINT equipment_utilization_hours_used_check CHECK (hours_used BETWEEN 0 AND 24),
    CONSTRAINT equipment_utilization_hours_available_check CHECK (
        hours_available BETWEEN 0 AND 24
    ),
    CONSTRAINT equipment_utilization_hours_check CHECK (hours_used <= hours_available)
);

-- (equipment_id, ...) is served by the unique constraint's index.
CREATE INDEX equipment_utilization_usage_date_idx ON public.equipment_utilization (usage_date);

COMMENT ON TABLE public.equipment_utilization IS
'Daily telemetry and ops record per machine: hours used out of the hours it could be used.';
COMMENT ON COLUMN public.equipment_utilization.usage_date IS
'Calendar day in the business''s local time zone.';
COMMENT ON COLUMN public.equipment_utilization.hours_used IS
'Engine or operating hours that day (0 to 24, at most hours_available).';
COMMENT ON COLUMN public.equipment_utilization.hours_available IS
'Hours the machine could have been used that day (0 to 24; less when in maintenance).';
COMMENT ON COLUMN public.equipment_utilization.recorded_at IS
'When the record was written (telemetry upload or ops entry).';
