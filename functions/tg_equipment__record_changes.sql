-- pgfresh.tg_equipment__record_changes(): the capture trigger of public.equipment: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: the machines (id); no days (every day of those machines).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.equipment need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment__record_changes()
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
            CASE WHEN OLD.acquired_at IS DISTINCT FROM NEW.acquired_at THEN 'acquired_at' END,
            CASE WHEN OLD.category IS DISTINCT FROM NEW.category THEN 'category' END,
            CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
            CASE WHEN OLD.name IS DISTINCT FROM NEW.name THEN 'name' END,
            CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END
        ], NULL);
        IF v_changed = '{}' THEN
            RETURN NULL;
        END IF;
        INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
        VALUES (
            'public.equipment', 'UPDATE', ARRAY[OLD.id, NEW.id],
            NULL::date,
            NULL::date,
            v_changed
        );
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.equipment', TG_OP, pg_catalog.array_agg(r.id),
        NULL::date,
        NULL::date
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment__record_changes() IS
'Capture trigger of public.equipment (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records the machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment__record_changes() FROM public;
