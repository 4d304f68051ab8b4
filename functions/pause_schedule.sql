-- pgfresh.pause_schedule(view): stops the schedules from refreshing one view (or, with
-- NULL, every view), without a migration. Queued and manual refreshes still run.
-- requires: functions/_set_paused.sql
CREATE FUNCTION pgfresh.pause_schedule(p_view_name text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE sql
SET search_path = pg_catalog, pgfresh
AS $$
    SELECT v.view_name FROM pgfresh._set_paused(p_view_name, TRUE) AS v (view_name);
$$;

COMMENT ON FUNCTION pgfresh.pause_schedule(text) IS
'Pauses the schedule of one view (NULL: all views); returns the views it paused. Queued and manual refreshes still run. Unknown view: PF305.';

REVOKE ALL ON FUNCTION pgfresh.pause_schedule(text) FROM public;
