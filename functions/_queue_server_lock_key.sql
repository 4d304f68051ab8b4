-- pgfresh._queue_server_lock_key(): the advisory-lock key that lets one queue server
-- (pgfresh.serve_queue) run per database at a time. The only place that derives it.
-- Why this key: the same 'pgfr' tag as pgfresh._view_lock_key (0x70676672 in the high 32
-- bits) with 0 in the low 32 bits: a view's key has its OID there, and no relation has
-- OID 0, so the server's key never meets a view's.
-- Why session-level (pg_try_advisory_lock): it must outlive the COMMIT that ends each
-- round, and it is the only lock serve_queue holds across rounds. It goes away when the
-- server returns (pg_advisory_unlock) or its session ends (a pg_cron job's connection
-- closes after each run; a terminated backend releases everything).
CREATE FUNCTION pgfresh._queue_server_lock_key()
RETURNS bigint
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT (x'70676672'::bigint << 32)
$$;

COMMENT ON FUNCTION pgfresh._queue_server_lock_key() IS
'Advisory-lock key of the queue server: 0x70676672 (''pgfr'') << 32, low 32 bits 0 (no view OID); taken with pg_try_advisory_lock (session level) by pgfresh.serve_queue.';

REVOKE ALL ON FUNCTION pgfresh._queue_server_lock_key() FROM public;
