-- pgfresh.tg_support_tickets__record_update(): the UPDATE capture trigger of public.support_tickets, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- created_at, first_response_at, resolved_at, updated_at to the UTC day after the
-- latest (every local day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.support_tickets need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_support_tickets__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
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
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
    VALUES (
        'public.support_tickets', 'UPDATE', ARRAY[OLD.equipment_id, NEW.equipment_id],
        (least(OLD.created_at, NEW.created_at, OLD.first_response_at, NEW.first_response_at, OLD.resolved_at, NEW.resolved_at, OLD.updated_at, NEW.updated_at) AT TIME ZONE 'UTC')::date - 1,
        (greatest(OLD.created_at, NEW.created_at, OLD.first_response_at, NEW.first_response_at, OLD.resolved_at, NEW.resolved_at, OLD.updated_at, NEW.updated_at) AT TIME ZONE 'UTC')::date + 1,
        v_changed
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_support_tickets__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.support_tickets: records the machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_support_tickets__record_update() FROM public;
