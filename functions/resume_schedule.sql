-- pgfresh.resume_schedule(view): resumes the schedule of one paused view (or, with NULL,
-- every view). A resumed view whose current slot has no refresh is due at the next tick
-- of its job: one catch-up refresh.
-- requires: tables/refresh_policies.sql
CREATE FUNCTION pgfresh.resume_schedule(p_view_name text DEFAULT NULL)
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
       SET paused = FALSE
     WHERE (p_view_name IS NULL OR p.view_name = p_view_name)
       AND p.paused
    RETURNING p.view_name;
END
$$;

COMMENT ON FUNCTION pgfresh.resume_schedule(text) IS
'Resumes the schedule of one view (NULL: all views); returns the views it resumed. Unknown view: PF305.';

REVOKE ALL ON FUNCTION pgfresh.resume_schedule(text) FROM public;
