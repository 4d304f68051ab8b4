-- pgfresh.tg_equipment__record_update(): the UPDATE capture trigger of public.equipment, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: the machines (id); no days (every day of those machines).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.equipment need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.acquired_at IS DISTINCT FROM NEW.acquired_at THEN 'acquired_at' END,
        CASE WHEN OLD.category IS DISTINCT FROM NEW.category THEN 'category' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
        CASE WHEN OLD.name IS DISTINCT FROM NEW.name THEN 'name' END,
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END
    ], NULL);
BEGIN
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
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.equipment: records the machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment__record_update() FROM public;
