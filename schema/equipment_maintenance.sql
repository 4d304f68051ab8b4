-- public.equipment_maintenance: one row per maintenance job on a machine (inspection,
-- repair or service).
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
    currency char(3) NOT NULL DEFAULT 'USD',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT equipment_maintenance_kind_check CHECK (
        kind IN ('inspection', 'repair', 'service')
    ),
    CONSTRAINT equipment_maintenance_status_check CHECK (
        status IN ('scheduled', 'in_progress', 'completed', 'cancelled')
    ),
    CONSTRAINT equipment_maintenance_cost_check CHECK (cost >= 0),
    CONSTRAINT equipment_maintenance_period_check CHECK (completed_at >= started_at)
);

CREATE INDEX equipment_maintenance_equipment_id_idx
ON public.equipment_maintenance (equipment_id);
CREATE INDEX equipment_maintenance_scheduled_for_idx
ON public.equipment_maintenance (scheduled_for);
CREATE INDEX equipment_maintenance_next_due_at_idx
ON public.equipment_maintenance (next_due_at);

COMMENT ON TABLE public.equipment_maintenance IS
'Maintenance jobs; a machine is out of service from started_at until completed_at '
'(still out while completed_at is NULL).';
COMMENT ON COLUMN public.equipment_maintenance.kind IS
'inspection (periodic check), repair (fixing a fault), service (routine servicing).';
COMMENT ON COLUMN public.equipment_maintenance.status IS
'scheduled (planned for scheduled_for), in_progress (started_at set), '
'completed (completed_at set), cancelled.';
COMMENT ON COLUMN public.equipment_maintenance.next_due_at IS
'When the next service of this machine is due, as set by this job; NULL if none is planned.';
COMMENT ON COLUMN public.equipment_maintenance.cost IS
'Cost of the job to the business, in currency.';
