-- pgfresh._log_queue_server(outcome): one structured log line per run of the queue
-- server (pgfresh.serve_queue): how it ended and what it did.
-- RAISE LOG writes to the server log only (never to the client): the message is one JSON
-- object, like pgfresh._log_run's, with "event": "pgfresh.queue_server".
CREATE FUNCTION pgfresh._log_queue_server(p_outcome jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RAISE LOG '%', (pg_catalog.jsonb_build_object(
        'event', 'pgfresh.queue_server',
        'database', pg_catalog.current_database(),
        'pid', pg_catalog.pg_backend_pid()
    ) || p_outcome)::text;
END
$$;

COMMENT ON FUNCTION pgfresh._log_queue_server(jsonb) IS
'Writes one JSON log line (RAISE LOG, server log only) for a run of pgfresh.serve_queue: event pgfresh.queue_server, database, pid, and the outcome (status busy/served, stopped_by, rounds, ...).';

REVOKE ALL ON FUNCTION pgfresh._log_queue_server(jsonb) FROM public;
