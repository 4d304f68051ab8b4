-- pgfresh.resume_schedule(view): resumes the schedule of one paused view (or, with NULL,
-- every view). A resumed view whose current slot has no refresh is due at the next tick
-- of its job: one catch-up refresh.
-- requires: functions/_set_paused.sql
CREATE FUNCTION pgfresh.resume_schedule(p_view_name text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE sql
SET search_path = pg_catalog, pgfresh
AS $$
    SELECT v.view_name FROM pgfresh._set_paused(p_view_name, FALSE) AS v (view_name);
$$;

COMMENT ON FUNCTION pgfresh.resume_schedule(text) IS
'Resumes the schedule of one view (NULL: all views); returns the views it resumed. Unknown view: PF305.';

REVOKE ALL ON FUNCTION pgfresh.resume_schedule(text) FROM public;
