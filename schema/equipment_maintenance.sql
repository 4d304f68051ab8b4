-- public.equipment_maintenance: one row per maintenance job (inspection, repair, service).
-- requires: schema/equipment.sql
CREATE TABLE public.equipment_maintenance (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    equipment_id uuid NOT NULL REFERENCES public.equipment (id),
    kind text NOT NULL,
    status text NOT NULL DEFAULT 'scheduled',
    scheduled_for timestamptz NOT NULL,
    started_at timestamptz,
    completed_at timestamptz,
    next_due_at timestamptz,
    cost numeric(12, 2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT equipment_maintenance_kind_check CHECK (kind IN ('inspection', 'repair', 'service')),
    CONSTRAINT equipment_maintenance_status_check CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
    CONSTRAINT equipment_maintenance_cost_check CHECK (cost >= 0)
);

CREATE INDEX equipment_maintenance_equipment_id_idx ON public.equipment_maintenance (equipment_id);
CREATE INDEX equipment_maintenance_next_due_at_idx ON public.equipment_maintenance (next_due_at);

COMMENT ON TABLE public.equipment_maintenance IS
'Maintenance jobs; a machine is under maintenance from started_at to completed_at (open while NULL).';
COMMENT ON COLUMN public.equipment_maintenance.next_due_at IS 'When the next service of this machine is due.';
