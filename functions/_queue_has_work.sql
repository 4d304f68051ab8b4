-- pgfresh._queue_has_work(): whether a round of the queue server has anything to do: a
-- pending request for a managed view, or a 'running' job_runs row of another session
-- (which may be abandoned: process_queue marks those and queues their retry).
-- requires: tables/refresh_queue.sql, tables/job_runs.sql
-- An idle round of pgfresh.serve_queue costs this query and nothing else: two index
-- probes (refresh_queue, the partial index of running job_runs) and a catalog lookup.
-- plpgsql: its plans are cached for the server's session (a SQL function is planned at
-- every call). SECURITY DEFINER: the caller of serve_queue needs no privilege on the
-- engine's tables.
CREATE FUNCTION pgfresh._queue_has_work()
RETURNS boolean
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN EXISTS (
               SELECT
               FROM pgfresh.refresh_queue AS q
               INNER JOIN pg_catalog.pg_class AS c ON q.view_name = c.relname::text AND c.relkind = 'm'
               INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid AND n.nspname = 'analytics'
           )
        OR EXISTS (
               SELECT
               FROM pgfresh.job_runs AS r
               WHERE r.status = 'running' AND r.backend_pid <> pg_catalog.pg_backend_pid()
           );
END
$$;

COMMENT ON FUNCTION pgfresh._queue_has_work() IS
'True when the refresh queue holds a request for a managed view or another session has a running job_runs row; what lets an idle round of pgfresh.serve_queue skip process_queue.';

-- Callable by whoever may call pgfresh.serve_queue (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._queue_has_work() FROM public;
