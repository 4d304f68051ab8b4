-- pgfresh.tg_equipment_utilization__record_update(): the UPDATE capture trigger of public.equipment_utilization, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records the machines and local days (usage_date) of the old and the new row, one pgfresh.refresh_changes
-- row for each view pgfresh.view_sources maps public.equipment_utilization to whose update_columns
-- (NULL: any) hold a column whose value changed; nothing when no value changed.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- usage_date is already a local day: the keys are exact. A daily upload of every
-- machine's row is one statement: one row per mapped view.
-- One static INSERT (a cached plan; view_sources read by its primary key): no dynamic SQL,
-- no catalog lookup, no other function called. A row naming a view that is not a managed
-- view is recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of equipment_utilization need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_utilization__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.hours_used IS DISTINCT FROM NEW.hours_used THEN 'hours_used' END,
        CASE WHEN OLD.hours_available IS DISTINCT FROM NEW.hours_available THEN 'hours_available' END,
        CASE WHEN OLD.usage_date IS DISTINCT FROM NEW.usage_date THEN 'usage_date' END,
        CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT
        s.view_name,
        'public.equipment_utilization UPDATE',
        ARRAY[OLD.equipment_id, NEW.equipment_id],
        least(OLD.usage_date, NEW.usage_date),
        greatest(OLD.usage_date, NEW.usage_date)
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = 'public.equipment_utilization'
       AND (s.update_columns IS NULL OR s.update_columns && v_changed);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_utilization__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> trigger of public.equipment_utilization: records the machines and local days (usage_date) of the old and new row (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to whose update_columns changed in value.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_utilization__record_update() FROM public;
