-- pgfresh.tg_bookings__record_changes(): the capture trigger of public.bookings: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- start_at, end_at, created_at, cancelled_at to the UTC day after the latest (every
-- local day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.bookings need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_bookings__record_changes()
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
            CASE WHEN OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at THEN 'cancelled_at' END,
            CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
            CASE WHEN OLD.end_at IS DISTINCT FROM NEW.end_at THEN 'end_at' END,
            CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
            CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
            CASE WHEN OLD.start_at IS DISTINCT FROM NEW.start_at THEN 'start_at' END,
            CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
            CASE WHEN OLD.total_amount IS DISTINCT FROM NEW.total_amount THEN 'total_amount' END,
            CASE WHEN OLD.user_id IS DISTINCT FROM NEW.user_id THEN 'user_id' END
        ], NULL);
        IF v_changed = '{}' THEN
            RETURN NULL;
        END IF;
        INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
        VALUES (
            'public.bookings', 'UPDATE', ARRAY[OLD.equipment_id, NEW.equipment_id],
            (least(OLD.start_at, NEW.start_at, OLD.end_at, NEW.end_at, OLD.created_at, NEW.created_at, OLD.cancelled_at, NEW.cancelled_at) AT TIME ZONE 'UTC')::date - 1,
            (greatest(OLD.start_at, NEW.start_at, OLD.end_at, NEW.end_at, OLD.created_at, NEW.created_at, OLD.cancelled_at, NEW.cancelled_at) AT TIME ZONE 'UTC')::date + 1,
            v_changed
        );
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.bookings', TG_OP, pg_catalog.array_agg(r.equipment_id),
        (least(min(r.start_at), min(r.end_at), min(r.created_at), min(r.cancelled_at)) AT TIME ZONE 'UTC')::date - 1,
        (greatest(max(r.start_at), max(r.end_at), max(r.created_at), max(r.cancelled_at)) AT TIME ZONE 'UTC')::date + 1
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_bookings__record_changes() IS
'Capture trigger of public.bookings (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records the machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_bookings__record_changes() FROM public;
