-- pgfresh.tg_equipment_maintenance__record_update(): the UPDATE capture trigger of public.equipment_maintenance, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- started_at, completed_at, next_due_at to the UTC day after the latest (every local
-- day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.equipment_maintenance need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_maintenance__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.completed_at IS DISTINCT FROM NEW.completed_at THEN 'completed_at' END,
        CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
        CASE WHEN OLD.next_due_at IS DISTINCT FROM NEW.next_due_at THEN 'next_due_at' END,
        CASE WHEN OLD.started_at IS DISTINCT FROM NEW.started_at THEN 'started_at' END,
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
    VALUES (
        'public.equipment_maintenance', 'UPDATE', ARRAY[OLD.equipment_id, NEW.equipment_id],
        (least(OLD.started_at, NEW.started_at, OLD.completed_at, NEW.completed_at, OLD.next_due_at, NEW.next_due_at) AT TIME ZONE 'UTC')::date - 1,
        (greatest(OLD.started_at, NEW.started_at, OLD.completed_at, NEW.completed_at, OLD.next_due_at, NEW.next_due_at) AT TIME ZONE 'UTC')::date + 1,
        v_changed
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_maintenance__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.equipment_maintenance: records the machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_maintenance__record_update() FROM public;
