-- pgfresh._queue_job(): the pg_cron job that runs the queue server in this database
-- (cron_dashboard_queue, see cron/): its jobid and whether it is active. No row without
-- pg_cron or without that job.
-- pgfresh.serve_queue reads it every round: an operator pauses the queue server with
-- SELECT cron.alter_job(jobid, active => false), and a downgrade that unschedules the
-- job ends a server that is still running.
CREATE FUNCTION pgfresh._queue_job()
RETURNS TABLE (jobid bigint, active boolean)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    -- pg_cron creates its objects in schema cron whatever the extension's schema is.
    v_cron_schema constant text := 'cron';
BEGIN
    -- Schema cron exists only where pg_cron is installed: reached through EXECUTE, so
    -- that this function compiles anywhere.
    IF pg_catalog.to_regclass('cron.job') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT j.jobid, j.active FROM %I.job AS j '
        'WHERE j.jobname = $1 AND j.database = pg_catalog.current_database() ORDER BY j.jobid LIMIT 1',
        v_cron_schema
    ) USING 'cron_dashboard_queue';
END
$$;

COMMENT ON FUNCTION pgfresh._queue_job() IS
'The queue job cron_dashboard_queue of this database (jobid, active), or no row (no pg_cron, no such job). Read by pgfresh.serve_queue each round.';

-- Callable by whoever may call pgfresh.serve_queue (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._queue_job() FROM public;
