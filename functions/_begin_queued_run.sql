-- pgfresh._begin_queued_run(view): for process_queue: begins a 'queue' run of a view that
-- has pending requests or source changes not yet taken and is not backing off after failures; NULL otherwise.
-- requires: functions/_begin_run.sql, functions/failure_streak.sql, functions/_changed_views.sql
-- A view in backoff keeps its requests; it is retried once next_retry_at has passed.
CREATE FUNCTION pgfresh._begin_queued_run(p_view_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_retry_at timestamptz;
BEGIN
    IF NOT EXISTS (SELECT FROM pgfresh.refresh_queue AS q WHERE q.view_name = p_view_name)
       AND NOT EXISTS (SELECT FROM pgfresh._changed_views() AS c WHERE c.view_name = p_view_name) THEN
        RETURN NULL;
    END IF;
    SELECT s.next_retry_at INTO v_retry_at FROM pgfresh.failure_streak(p_view_name) AS s;
    IF v_retry_at > pg_catalog.clock_timestamp() THEN
        RAISE NOTICE 'pgfresh: analytics.% is failing; next retry after %', p_view_name, v_retry_at;
        RETURN NULL;
    END IF;
    RETURN pgfresh._begin_run(p_view_name, 'queue');
END
$$;

COMMENT ON FUNCTION pgfresh._begin_queued_run(text) IS
'Begins a queue run (returns its id) when the view has pending requests and its failure backoff has passed; else NULL.';

-- Callable by whoever may call pgfresh.process_queue (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._begin_queued_run(text) FROM public;
