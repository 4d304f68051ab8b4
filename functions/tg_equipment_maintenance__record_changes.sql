-- pgfresh.tg_equipment_maintenance__record_changes(): the capture trigger of public.equipment_maintenance: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- started_at, completed_at, next_due_at to the UTC day after the latest (every local
-- day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.equipment_maintenance need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_maintenance__record_changes()
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
            CASE WHEN OLD.completed_at IS DISTINCT FROM NEW.completed_at THEN 'completed_at' END,
            CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
            CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
            CASE WHEN OLD.next_due_at IS DISTINCT FROM NEW.next_due_at THEN 'next_due_at' END,
            CASE WHEN OLD.started_at IS DISTINCT FROM NEW.started_at THEN 'started_at' END,
            CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END
        ], NULL);
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
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.equipment_maintenance', TG_OP, pg_catalog.array_agg(r.equipment_id),
        (least(min(r.started_at), min(r.completed_at), min(r.next_due_at)) AT TIME ZONE 'UTC')::date - 1,
        (greatest(max(r.started_at), max(r.completed_at), max(r.next_due_at)) AT TIME ZONE 'UTC')::date + 1
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_maintenance__record_changes() IS
'Capture trigger of public.equipment_maintenance (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records the machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_maintenance__record_changes() FROM public;
