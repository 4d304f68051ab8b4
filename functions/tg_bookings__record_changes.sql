-- pgfresh.tg_bookings__record_changes(): the capture trigger of public.bookings: records
-- which machines and local days a statement (INSERT, DELETE, TRUNCATE) or an updated row
-- touched, for each view pgfresh.view_sources maps public.bookings to.
-- requires: functions/_record_change.sql
-- Keys (pgfresh.refresh_changes): the machines of the old and new rows, and the days from
-- the UTC day before the earliest start_at to the UTC day after the latest end_at (every
-- local day of the period lies in there, whatever the business time zone; the refresh
-- clips to the view's period). A multi-row statement records one row per view: its
-- machines and the days they span. TRUNCATE: every machine, every day.
-- Row-level for UPDATE (the trigger's WHEN, evaluated in C, skips an update of columns no
-- view reads), statement-level with transition tables for INSERT and DELETE (a 1000-row
-- INSERT pays one call). Cost, make bench: see docs/incremental.md.
-- SECURITY DEFINER: writers of bookings need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_bookings__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM pgfresh._record_change(
            'public.bookings', TG_OP,
            pg_catalog.array_remove(ARRAY[
                CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
                CASE WHEN OLD.equipment_id IS DISTINCT FROM NEW.equipment_id THEN 'equipment_id' END,
                CASE WHEN OLD.start_at IS DISTINCT FROM NEW.start_at THEN 'start_at' END,
                CASE WHEN OLD.end_at IS DISTINCT FROM NEW.end_at THEN 'end_at' END,
                CASE WHEN OLD.total_amount IS DISTINCT FROM NEW.total_amount THEN 'total_amount' END,
                CASE WHEN OLD.user_id IS DISTINCT FROM NEW.user_id THEN 'user_id' END,
                CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
                CASE WHEN OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at THEN 'cancelled_at' END,
                CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END
            ], NULL),
            ARRAY[OLD.equipment_id, NEW.equipment_id],
            (least(OLD.start_at, NEW.start_at) AT TIME ZONE 'UTC')::date - 1,
            (greatest(OLD.end_at, NEW.end_at) AT TIME ZONE 'UTC')::date + 1);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pgfresh._record_change('public.bookings', TG_OP, NULL, k.equipment_ids, k.first_day, k.last_day)
           FROM (SELECT pg_catalog.array_agg(DISTINCT n.equipment_id) AS equipment_ids,
                        (min(n.start_at) AT TIME ZONE 'UTC')::date - 1 AS first_day,
                        (max(n.end_at) AT TIME ZONE 'UTC')::date + 1 AS last_day
                   FROM new_rows AS n) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pgfresh._record_change('public.bookings', TG_OP, NULL, k.equipment_ids, k.first_day, k.last_day)
           FROM (SELECT pg_catalog.array_agg(DISTINCT o.equipment_id) AS equipment_ids,
                        (min(o.start_at) AT TIME ZONE 'UTC')::date - 1 AS first_day,
                        (max(o.end_at) AT TIME ZONE 'UTC')::date + 1 AS last_day
                   FROM old_rows AS o) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSE  -- TRUNCATE
        PERFORM pgfresh._record_change('public.bookings', TG_OP, NULL, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_bookings__record_changes() IS
'Capture trigger of public.bookings: records the machines and days a change touched (pgfresh.refresh_changes) for each view pgfresh.view_sources maps public.bookings to; UPDATE per row (after the trigger''s WHEN), INSERT/DELETE per statement (transition tables new_rows/old_rows).';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_bookings__record_changes() FROM public;
