-- pgfresh._log_run(run): one structured log line per refresh attempt, for log explorers.
-- requires: tables/job_runs.sql
-- RAISE LOG writes to the server log only (never to the client): the message is one JSON
-- object, so a log platform can parse it and alert on "status":"failed".
CREATE FUNCTION pgfresh._log_run(p_run pgfresh.job_runs)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RAISE LOG '%', pg_catalog.jsonb_build_object(
        'event', 'pgfresh.refresh',
        'job_run_id', p_run.id,
        'view', p_run.view_name,
        'source', p_run.source,
        'status', p_run.status,
        'duration_ms', round(extract(EPOCH FROM p_run.duration) * 1000, 3),
        'error', p_run.error_message,
        'sqlstate', p_run.sqlstate,
        'database', pg_catalog.current_database(),
        'started_at', p_run.started_at
    )::text;
END
$$;

COMMENT ON FUNCTION pgfresh._log_run(pgfresh.job_runs) IS
'Writes one JSON log line (RAISE LOG, server log only) for a finished refresh attempt: event, job_run_id, view, source, status, duration_ms, error, sqlstate, database, started_at.';

REVOKE ALL ON FUNCTION pgfresh._log_run(pgfresh.job_runs) FROM public;
