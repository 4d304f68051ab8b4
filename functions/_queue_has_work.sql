-- pgfresh._queue_has_work(): whether a round of the queue server has anything to do: a
-- pending request (refresh_queue) or source change not yet taken (pgfresh._changed_views)
-- of a managed view, or a 'running' job_runs row of another session
-- (which may be abandoned: process_queue marks those and queues their retry).
-- requires: tables/refresh_queue.sql, functions/_changed_views.sql, tables/job_runs.sql, functions/_managed_relations.sql
-- An idle round of pgfresh.serve_queue costs this query and nothing else: two index
-- probes (refresh_queue, the partial index of running job_runs), a scan of the few
-- source_changes rows some view has not taken, and a catalog lookup.
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
               INNER JOIN pgfresh._managed_relations() AS m ON q.view_name = m.view_name
           )
        OR EXISTS (
               SELECT
               FROM pgfresh._changed_views() AS c
               INNER JOIN pgfresh._managed_relations() AS m ON c.view_name = m.view_name
           )
        OR EXISTS (
               SELECT
               FROM pgfresh.job_runs AS r
               WHERE r.status = 'running' AND r.backend_pid <> pg_catalog.pg_backend_pid()
           );
END
$$;

COMMENT ON FUNCTION pgfresh._queue_has_work() IS
'True when the refresh queue holds a request (or a source change is not yet taken) for a managed view or another session has a running job_runs row; what lets an idle round of pgfresh.serve_queue skip process_queue.';

-- Callable by whoever may call pgfresh.serve_queue (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._queue_has_work() FROM public;
