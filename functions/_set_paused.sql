-- pgfresh._set_paused(view, paused): the one implementation of pgfresh.pause_schedule and
-- pgfresh.resume_schedule: sets refresh_policies.paused of one view (or, with NULL, every
-- view) and returns the views whose flag it changed.
-- requires: tables/refresh_policies.sql
-- An unknown view is PF305 and changes nothing. A view already in the wanted state is not
-- returned (the wrappers are idempotent).
CREATE FUNCTION pgfresh._set_paused(p_view_name text, p_paused boolean)
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
       SET paused = p_paused
     WHERE (p_view_name IS NULL OR p.view_name = p_view_name)
       AND p.paused IS DISTINCT FROM p_paused
    RETURNING p.view_name;
END
$$;

COMMENT ON FUNCTION pgfresh._set_paused(text, boolean) IS
'Internal: sets paused = p_paused on the policy of one view (NULL: all views); returns the views it changed. Unknown view: PF305. Called by pause_schedule and resume_schedule.';

-- Owner only, like the two wrappers (SECURITY INVOKER: whoever is granted them needs this too).
REVOKE ALL ON FUNCTION pgfresh._set_paused(text, boolean) FROM public;
