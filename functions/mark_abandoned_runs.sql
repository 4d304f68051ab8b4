-- pgfresh.mark_abandoned_runs(): marks 'abandoned' every 'running' job_runs row whose
-- session is gone (killed backend, server crash), and queues a retry of its view.
-- requires: tables/job_runs.sql, tables/refresh_queue.sql, functions/_log_run.sql
-- A run's session is alive when pg_stat_activity has its pid with the same backend_start
-- (a reused pid has another) and that session is not idle (a CALL in progress is
-- 'active'). When this role may not see another user's session details, the pid alone
-- decides: a run is never marked while it might still be running.
-- process_queue calls it first; call it from a monitor too. Rows locked by another caller
-- are skipped, so two callers never wait on each other.
CREATE FUNCTION pgfresh.mark_abandoned_runs()
RETURNS SETOF pgfresh.job_runs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN QUERY
    WITH
    gone AS (
        SELECT r.id
        FROM pgfresh.job_runs AS r
        WHERE r.status = 'running'
          AND NOT EXISTS (
              SELECT
              FROM pg_catalog.pg_stat_activity AS a
              WHERE a.pid = r.backend_pid
                AND (a.backend_start IS NULL OR r.backend_start IS NULL OR a.backend_start = r.backend_start)
                AND a.state IS DISTINCT FROM 'idle'
          )
        FOR UPDATE OF r SKIP LOCKED
    ),

    marked AS (
        UPDATE pgfresh.job_runs AS r
           SET status = 'abandoned',
               finished_at = pg_catalog.clock_timestamp(),
               error_message = pg_catalog.format(
                   'the session that ran this refresh (pid %s) ended before recording an outcome', r.backend_pid)
          FROM gone AS g
         WHERE r.id = g.id
        RETURNING r.*
    ),

    retries AS (
        INSERT INTO pgfresh.refresh_queue (view_name, reason)
        SELECT m.view_name, pg_catalog.format('retry after abandoned run %s', m.id)
          FROM marked AS m
    )

    -- One JSON log line per abandoned run, like every other outcome (pgfresh._log_run).
    SELECT m.*
      FROM marked AS m
     CROSS JOIN LATERAL pgfresh._log_run(ROW(m.*)::pgfresh.job_runs) AS l;
END
$$;

COMMENT ON FUNCTION pgfresh.mark_abandoned_runs() IS
'Marks running job_runs rows whose backend is gone (pid + backend_start not in pg_stat_activity, or idle) as abandoned, queues a retry of each view, returns the rows.';

-- Owner only (it writes job_runs); process_queue calls it.
REVOKE ALL ON FUNCTION pgfresh.mark_abandoned_runs() FROM public;
