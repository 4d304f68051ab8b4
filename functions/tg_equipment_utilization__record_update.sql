-- pgfresh.tg_equipment_utilization__record_update(): the UPDATE capture trigger of public.equipment_utilization, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the local days (usage_date, exact).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.equipment_utilization need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_utilization__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
        CASE WHEN OLD.hours_available IS DISTINCT FROM NEW.hours_available THEN 'hours_available' END,
        CASE WHEN OLD.hours_used IS DISTINCT FROM NEW.hours_used THEN 'hours_used' END,
        CASE WHEN OLD.usage_date IS DISTINCT FROM NEW.usage_date THEN 'usage_date' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
    VALUES (
        'public.equipment_utilization', 'UPDATE', ARRAY[OLD.equipment_id, NEW.equipment_id],
        least(OLD.usage_date, NEW.usage_date),
        greatest(OLD.usage_date, NEW.usage_date),
        v_changed
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_utilization__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.equipment_utilization: records the machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_utilization__record_update() FROM public;
