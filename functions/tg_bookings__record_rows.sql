-- pgfresh.tg_bookings__record_rows(): the INSERT and DELETE capture trigger of public.bookings,
-- per statement: records the machines and days of the rows the statement added or removed (transition
-- table changed_rows: the INSERT trigger's NEW TABLE, the DELETE trigger's OLD TABLE), one
-- pgfresh.refresh_changes row for each view pgfresh.view_sources maps public.bookings to, for
-- the whole statement (a 1000-row INSERT pays one call); nothing when it touched no row.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- Keys: the machines, and the days from the UTC day before the earliest start_at to the
-- UTC day after the latest end_at: every local day the booking touches lies in there,
-- whatever the business time zone, so the writer's statement looks up no setting (the
-- refresh clips the days to the view's period).
-- One static INSERT (a cached plan); a row naming a view that is not a managed view is
-- recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of bookings need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_bookings__record_rows()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT s.view_name, 'public.bookings ' || TG_OP, k.equipment_ids, k.first_day, k.last_day
      FROM (SELECT
                   pg_catalog.array_agg(r.equipment_id) AS equipment_ids,
                   (min(r.start_at) AT TIME ZONE 'UTC')::date - 1 AS first_day,
                   (max(r.end_at) AT TIME ZONE 'UTC')::date + 1 AS last_day
              FROM changed_rows AS r) AS k
     CROSS JOIN pgfresh.view_sources AS s
     WHERE s.source_table = 'public.bookings' AND k.equipment_ids IS NOT NULL;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_bookings__record_rows() IS
'Statement-level AFTER INSERT / AFTER DELETE trigger of public.bookings (transition table changed_rows): records the machines and days of the rows added or removed (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_bookings__record_rows() FROM public;
