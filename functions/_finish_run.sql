-- pgfresh._finish_run(run, status, ...): records the outcome of a refresh attempt and what
-- follows from it, in the refresh's transaction. The one place for this logic, shared by
-- the procedure (refresh_view, process_queue) and the function form (refresh_view_now).
-- requires: tables/job_runs.sql, tables/refresh_queue.sql, tables/alert_incidents.sql, functions/_log_run.sql
-- failed:  a retry request is queued unless one is pending (process_queue takes it after the backoff of
--          pgfresh.failure_streak); more than incident_after_failures failures in a row
--          open one incident (later failures update it) and notify; WARNING to the log.
-- success: an open incident is resolved and notified; managed views that read this one
--          are queued (refresh cascades in dependency order).
-- skipped: nothing else (the other refresh serves the requests; they stay queued).
CREATE FUNCTION pgfresh._finish_run(
    p_run_id bigint,
    p_status text,
    p_error text DEFAULT NULL,
    p_sqlstate text DEFAULT NULL,
    p_queue_requests integer DEFAULT NULL
)
RETURNS pgfresh.job_runs
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_run pgfresh.job_runs;
    v_streak record;
    v_incident pgfresh.alert_incidents;
BEGIN
    UPDATE pgfresh.job_runs AS r
       SET status = p_status,
           finished_at = pg_catalog.clock_timestamp(),
           error_message = p_error,
           sqlstate = p_sqlstate,
           queue_requests = p_queue_requests
     WHERE r.id = p_run_id
    RETURNING r.* INTO v_run;
    PERFORM pgfresh._log_run(v_run);

    IF p_status = 'failed' THEN
        -- One pending request is enough (a failed queue run's own requests are still
        -- there: its delete was rolled back); reading the queue takes no lock.
        INSERT INTO pgfresh.refresh_queue (view_name, reason)
        SELECT v_run.view_name, pg_catalog.format('retry after failed run %s', p_run_id)
         WHERE NOT EXISTS (SELECT FROM pgfresh.refresh_queue AS q WHERE q.view_name = v_run.view_name);

        SELECT s.consecutive_failures, s.next_retry_at INTO v_streak
          FROM pgfresh.failure_streak(v_run.view_name) AS s;
        IF v_streak.consecutive_failures > pgfresh.setting('incident_after_failures')::integer THEN
            -- Only one refresh of a view runs at a time (advisory lock), so look-then-write is safe.
            UPDATE pgfresh.alert_incidents AS i
               SET consecutive_failures = v_streak.consecutive_failures,
                   last_error = p_error,
                   last_sqlstate = p_sqlstate,
                   last_failed_run_id = p_run_id
             WHERE i.view_name = v_run.view_name AND i.resolved_at IS NULL;
            IF NOT FOUND THEN
                INSERT INTO pgfresh.alert_incidents
                    (view_name, consecutive_failures, last_error, last_sqlstate, last_failed_run_id)
                VALUES (v_run.view_name, v_streak.consecutive_failures, p_error, p_sqlstate, p_run_id)
                RETURNING * INTO v_incident;
                PERFORM pgfresh._notify_incident('opened', v_incident);
            END IF;
        END IF;
        RAISE WARNING 'pgfresh: refresh of analytics.% failed (run %): %', v_run.view_name, p_run_id, p_error
            USING DETAIL = pg_catalog.format('SQLSTATE %s; %s failure(s) in a row', p_sqlstate,
                                             v_streak.consecutive_failures),
                  HINT = pg_catalog.format('process_queue retries it after %s.', v_streak.next_retry_at);

    ELSIF p_status = 'success' THEN
        UPDATE pgfresh.alert_incidents AS i
           SET resolved_at = pg_catalog.clock_timestamp(),
               resolved_by_run_id = p_run_id
         WHERE i.view_name = v_run.view_name AND i.resolved_at IS NULL
        RETURNING i.* INTO v_incident;
        IF FOUND THEN
            PERFORM pgfresh._notify_incident('resolved', v_incident);
        END IF;

        INSERT INTO pgfresh.refresh_queue (view_name, reason)
        SELECT d.view_name, pg_catalog.format('reads analytics.%s, refreshed by run %s', d.depends_on, p_run_id)
          FROM pgfresh.managed_view_dependencies() AS d
         WHERE d.depends_on = v_run.view_name;
        RAISE NOTICE 'pgfresh: refreshed analytics.% in % (run %)', v_run.view_name, v_run.duration, p_run_id;

    ELSE
        RAISE NOTICE 'pgfresh: analytics.% is being refreshed by another session; run % %',
                     v_run.view_name, p_run_id, p_status;
    END IF;
    RETURN v_run;
END
$$;

COMMENT ON FUNCTION pgfresh._finish_run(bigint, text, text, text, integer) IS
'Records a refresh outcome (success, failed, skipped) on its job_runs row; on failure queues a retry and opens/updates the incident, on success resolves it and queues dependent views.';

REVOKE ALL ON FUNCTION pgfresh._finish_run(bigint, text, text, text, integer) FROM public;
