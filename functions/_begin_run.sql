-- pgfresh._begin_run(view, source): checks the name and writes the 'running' job_runs row
-- of a refresh attempt; returns its id. Step one of every refresh: the procedure commits
-- it before refreshing, so the row is visible while the refresh runs.
-- requires: tables/job_runs.sql, functions/_resolve_view.sql
-- SECURITY DEFINER: the caller of refresh_view needs no privilege on job_runs.
CREATE FUNCTION pgfresh._begin_run(p_view_name text, p_source text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_view text;
    v_run_id bigint;
BEGIN
    v_view := pgfresh._resolve_view(p_view_name);
    IF p_source IS NULL OR pg_catalog.btrim(p_source) = '' THEN
        RAISE EXCEPTION 'pgfresh: a refresh needs a source'
            USING ERRCODE = 'PF102',
                  DETAIL = 'Nothing was run.',
                  HINT = 'Say what asks for it: the pg_cron job name, ''queue'' or ''manual''.';
    END IF;
    INSERT INTO pgfresh.job_runs (view_name, source, backend_pid, backend_start)
    SELECT v_view, p_source, a.pid, a.backend_start
      FROM pg_catalog.pg_stat_activity AS a
     WHERE a.pid = pg_catalog.pg_backend_pid()
    RETURNING id INTO v_run_id;
    RETURN v_run_id;
END
$$;

COMMENT ON FUNCTION pgfresh._begin_run(text, text) IS
'Resolves the view name (PF101), checks the source (PF102), inserts the running job_runs row with this backend''s pid and start time; returns the run id.';

-- Callable by whoever may call pgfresh.refresh_view (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._begin_run(text, text) FROM public;
