-- pgfresh.tg_equipment__record_update(): the UPDATE capture trigger of public.equipment, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records the machines (every day of them) of the old and the new row, one pgfresh.refresh_changes
-- row for each view pgfresh.view_sources maps public.equipment to whose update_columns
-- (NULL: any) hold a column whose value changed; nothing when no value changed.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- One static INSERT (a cached plan; view_sources read by its primary key): no dynamic SQL,
-- no catalog lookup, no other function called. A row naming a view that is not a managed
-- view is recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of equipment need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
        CASE WHEN OLD.category IS DISTINCT FROM NEW.category THEN 'category' END,
        CASE WHEN OLD.acquired_at IS DISTINCT FROM NEW.acquired_at THEN 'acquired_at' END,
        CASE WHEN OLD.name IS DISTINCT FROM NEW.name THEN 'name' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT
        s.view_name,
        'public.equipment UPDATE',
        ARRAY[OLD.id, NEW.id],
        NULL::date,
        NULL::date
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = 'public.equipment'
       AND (s.update_columns IS NULL OR s.update_columns && v_changed);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> trigger of public.equipment: records the machines (every day of them) of the old and new row (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to whose update_columns changed in value.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment__record_update() FROM public;
