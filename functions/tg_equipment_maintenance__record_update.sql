-- pgfresh.tg_equipment_maintenance__record_update(): the UPDATE capture trigger of public.equipment_maintenance, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records the machines and the first day of the old and the new row, one pgfresh.refresh_changes
-- row for each view pgfresh.view_sources maps public.equipment_maintenance to whose update_columns
-- (NULL: any) hold a column whose value changed; nothing when no value changed.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- A job carries forward: it puts the machine in the shop from started_at, and a completed
-- job sets the next service date in force until the next completed job, so a change
-- touches its machine from the UTC day before the earliest started_at / completed_at up
-- to today (last_day NULL). A job never started nor completed touches no day
-- ('infinity'), but still requests the views mapped to the table.
-- One static INSERT (a cached plan; view_sources read by its primary key): no dynamic SQL,
-- no catalog lookup, no other function called. A row naming a view that is not a managed
-- view is recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of equipment_maintenance need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_maintenance__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
        CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
        CASE WHEN OLD.started_at IS DISTINCT FROM NEW.started_at THEN 'started_at' END,
        CASE WHEN OLD.completed_at IS DISTINCT FROM NEW.completed_at THEN 'completed_at' END,
        CASE WHEN OLD.next_due_at IS DISTINCT FROM NEW.next_due_at THEN 'next_due_at' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT
        s.view_name,
        'public.equipment_maintenance UPDATE',
        ARRAY[OLD.equipment_id, NEW.equipment_id],
        coalesce(
            (least(OLD.started_at, OLD.completed_at, NEW.started_at, NEW.completed_at) AT TIME ZONE 'UTC')::date - 1,
            'infinity'
        ),
        NULL::date
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = 'public.equipment_maintenance'
       AND (s.update_columns IS NULL OR s.update_columns && v_changed);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_maintenance__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> trigger of public.equipment_maintenance: records the machines and the first day of the old and new row (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to whose update_columns changed in value.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_maintenance__record_update() FROM public;
