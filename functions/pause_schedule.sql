-- pgfresh.pause_schedule(view): stops the schedules from refreshing one view (or, with
-- NULL, every view), without a migration. Queued and manual refreshes still run.
-- requires: tables/refresh_policies.sql
CREATE FUNCTION pgfresh.pause_schedule(p_view_name text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    IF p_view_name IS NOT NULL
       AND NOT EXISTS (SELECT FROM pgfresh.refresh_policies AS p WHERE p.view_name = p_view_name) THEN
        RAISE EXCEPTION 'pgfresh: no refresh policy for view %', quote_literal(p_view_name)
            USING ERRCODE = 'PF305',
                  HINT = 'SELECT view_name FROM pgfresh.refresh_policies lists the scheduled views.';
    END IF;
    RETURN QUERY
    UPDATE pgfresh.refresh_policies AS p
       SET paused = TRUE
     WHERE (p_view_name IS NULL OR p.view_name = p_view_name)
       AND NOT p.paused
    RETURNING p.view_name;
END
$$;

COMMENT ON FUNCTION pgfresh.pause_schedule(text) IS
'Pauses the schedule of one view (NULL: all views); returns the views it paused. Queued and manual refreshes still run. Unknown view: PF305.';

REVOKE ALL ON FUNCTION pgfresh.pause_schedule(text) FROM public;
