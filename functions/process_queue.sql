-- pgfresh.process_queue(): CALL it (pg_cron, every minute) to refresh each managed view
-- that has pending requests in pgfresh.refresh_queue, once however many piled up, in
-- dependency order, each in its own transaction.
-- requires: functions/_begin_queued_run.sql, functions/_execute_run.sql, functions/mark_abandoned_runs.sql,
-- requires: functions/managed_views.sql
-- First marks abandoned runs. Views are visited in pgfresh.managed_views() order and the
-- queue is checked at each one, so a view queued by the refresh of a view it reads
-- (cascade) is refreshed in the same round. Requests for names that are not managed views
-- are left alone (purge_history removes them when old). Views backing off after failures
-- wait (pgfresh.failure_streak). A failure is recorded and the loop goes on.
-- SECURITY INVOKER without SET, like pgfresh.refresh_view, so that it can COMMIT.
CREATE PROCEDURE pgfresh.process_queue()
LANGUAGE plpgsql
AS $$
DECLARE
    v_view text;
    v_run_id bigint;
BEGIN
    PERFORM pgfresh.mark_abandoned_runs();
    COMMIT;
    FOR v_view IN SELECT m.view_name FROM pgfresh.managed_views() AS m ORDER BY m.refresh_order LOOP
        v_run_id := pgfresh._begin_queued_run(v_view);
        COMMIT;
        IF v_run_id IS NOT NULL THEN
            PERFORM pgfresh._execute_run(v_run_id);
            COMMIT;
        END IF;
    END LOOP;
END
$$;

-- (noqa: sqlfluff parses the signature of a PROCEDURE as a function call)
COMMENT ON PROCEDURE pgfresh.process_queue() IS  -- noqa: LT01
'CALL pgfresh.process_queue(): refresh every managed view with pending queue requests once, in dependency order, each in its own transaction; marks abandoned runs first.';

-- Owner only by default (see README, Roles).
REVOKE ALL ON PROCEDURE pgfresh.process_queue() FROM public;
