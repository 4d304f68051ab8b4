-- pgfresh.refresh_view_now(view, source, full): refresh one managed view inside the caller's
-- transaction (the function form: usable in a transaction block, over RPC, from other
-- functions). Same core as the procedure pgfresh.refresh_view.
-- requires: functions/_begin_run.sql, functions/_execute_run.sql
-- Returns the job_runs row (status success, failed or skipped). A refresh failure is
-- caught in a subtransaction and returned, not raised; an unknown name raises PF101.
-- The run's row, the refreshed data, the advisory lock and any notification all commit
-- (or roll back) with the caller's transaction: nobody sees a 'running' row of it.
CREATE FUNCTION pgfresh.refresh_view_now(
    p_view_name text, p_source text DEFAULT 'manual', p_full boolean DEFAULT FALSE
)
RETURNS pgfresh.job_runs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN pgfresh._execute_run(pgfresh._begin_run(p_view_name, p_source), p_full);
END
$$;

COMMENT ON FUNCTION pgfresh.refresh_view_now(text, text, boolean) IS
'Refreshes a managed view in the caller''s transaction (an incremental one by its recorded changes; p_full: every row) and returns its job_runs row (success | failed | skipped); failures are returned, not raised. Unknown name: PF101.';

-- Owner only by default; to let a role refresh, GRANT EXECUTE on this function alone.
REVOKE ALL ON FUNCTION pgfresh.refresh_view_now(text, text, boolean) FROM public;
