-- pgfresh.tg_support_tickets__record_changes(): the capture trigger of public.support_tickets: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- created_at, first_response_at, resolved_at to the UTC day after the latest (every
-- local day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.support_tickets need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_support_tickets__record_changes()
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
            CASE WHEN OLD.booking_id IS DISTINCT FROM NEW.booking_id THEN 'booking_id' END,
            CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
            CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
            CASE WHEN OLD.first_response_at IS DISTINCT FROM NEW.first_response_at THEN 'first_response_at' END,
            CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
            CASE WHEN OLD.priority IS DISTINCT FROM NEW.priority THEN 'priority' END,
            CASE WHEN OLD.resolved_at IS DISTINCT FROM NEW.resolved_at THEN 'resolved_at' END,
            CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
            CASE WHEN OLD.updated_at IS DISTINCT FROM NEW.updated_at THEN 'updated_at' END,
            CASE WHEN OLD.user_id IS DISTINCT FROM NEW.user_id THEN 'user_id' END
        ], NULL);
        IF v_changed = '{}' THEN
            RETURN NULL;
        END IF;
        INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
        VALUES (
            'public.support_tickets', 'UPDATE', ARRAY[OLD.equipment_id, NEW.equipment_id],
            (least(OLD.created_at, NEW.created_at, OLD.first_response_at, NEW.first_response_at, OLD.resolved_at, NEW.resolved_at) AT TIME ZONE 'UTC')::date - 1,
            (greatest(OLD.created_at, NEW.created_at, OLD.first_response_at, NEW.first_response_at, OLD.resolved_at, NEW.resolved_at) AT TIME ZONE 'UTC')::date + 1,
            v_changed
        );
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.support_tickets', TG_OP, pg_catalog.array_agg(r.equipment_id),
        (least(min(r.created_at), min(r.first_response_at), min(r.resolved_at)) AT TIME ZONE 'UTC')::date - 1,
        (greatest(max(r.created_at), max(r.first_response_at), max(r.resolved_at)) AT TIME ZONE 'UTC')::date + 1
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_support_tickets__record_changes() IS
'Capture trigger of public.support_tickets (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records the machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_support_tickets__record_changes() FROM public;
