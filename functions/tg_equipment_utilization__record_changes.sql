-- pgfresh.tg_equipment_utilization__record_changes(): the capture trigger of public.equipment_utilization: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the local days (usage_date, exact).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.equipment_utilization need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_utilization__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[];
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        v_changed := pg_catalog.array_remove(ARRAY[
            CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
            CASE WHEN OLD.hours_available IS DISTINCT FROM NEW.hours_available THEN 'hours_available' END,
            CASE WHEN OLD.hours_used IS DISTINCT FROM NEW.hours_used THEN 'hours_used' END,
            CASE WHEN OLD.usage_date IS DISTINCT FROM NEW.usage_date THEN 'usage_date' END
        ], NULL);
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
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.equipment_utilization', TG_OP, pg_catalog.array_agg(r.equipment_id),
        min(r.usage_date),
        max(r.usage_date)
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_utilization__record_changes() IS
'Capture trigger of public.equipment_utilization (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records the machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_utilization__record_changes() FROM public;
