-- pgfresh.tg_bookings__record_update(): the UPDATE capture trigger of public.bookings, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records the machines and days of the old and the new row, one pgfresh.refresh_changes
-- row for each view pgfresh.view_sources maps public.bookings to whose update_columns
-- (NULL: any) hold a column whose value changed; nothing when no value changed.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- Keys: the machines, and the days from the UTC day before the earliest start_at to the
-- UTC day after the latest end_at: every local day the booking touches lies in there,
-- whatever the business time zone, so the writer's statement looks up no setting (the
-- refresh clips the days to the view's period).
-- One static INSERT (a cached plan; view_sources read by its primary key): no dynamic SQL,
-- no catalog lookup, no other function called. A row naming a view that is not a managed
-- view is recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of bookings need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_bookings__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
        CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
        CASE WHEN OLD.start_at IS DISTINCT FROM NEW.start_at THEN 'start_at' END,
        CASE WHEN OLD.end_at IS DISTINCT FROM NEW.end_at THEN 'end_at' END,
        CASE WHEN OLD.total_amount IS DISTINCT FROM NEW.total_amount THEN 'total_amount' END,
        CASE WHEN OLD.user_id IS DISTINCT FROM NEW.user_id THEN 'user_id' END,
        CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
        CASE WHEN OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at THEN 'cancelled_at' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT
        s.view_name,
        'public.bookings UPDATE',
        ARRAY[OLD.equipment_id, NEW.equipment_id],
        (least(OLD.start_at, NEW.start_at) AT TIME ZONE 'UTC')::date - 1,
        (greatest(OLD.end_at, NEW.end_at) AT TIME ZONE 'UTC')::date + 1
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = 'public.bookings'
       AND (s.update_columns IS NULL OR s.update_columns && v_changed);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_bookings__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> trigger of public.bookings: records the machines and days of the old and new row (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to whose update_columns changed in value.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_bookings__record_update() FROM public;
