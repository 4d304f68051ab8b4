-- pgfresh._execute_run(run, full): the refresh itself, for a run that _begin_run recorded. The
-- core shared by the procedure and the function form; runs in the current transaction.
-- requires: functions/_finish_run.sql, functions/_view_lock_key.sql, functions/_reset_tail.sql, functions/_take_changes.sql
-- 1. Advisory lock of the view (transaction-level, see _view_lock_key): busy -> the run
--    is 'skipped' at once. 2. In a subtransaction: delete the view's visible queue
--    requests (refresh_queue) and take its source changes (pgfresh._take_changes), then
--    REFRESH ... CONCURRENTLY (plain REFRESH when never populated); an incremental table
--    instead calls its pgfresh._apply_<view>(p_full), which takes its changes itself and
--    recomputes only their keys (every row when p_full; p_full changes nothing for a
--    materialized view, always refreshed whole). The
--    delete comes first: the refresh's snapshot is taken later, so every request it
--    deletes is covered; a request committed after the delete stays for the next round;
--    a failure rolls the delete back. 3. Any error (query_canceled too, so a
--    statement_timeout is recorded) is caught: the run is 'failed', nothing is raised.
-- SECURITY DEFINER: REFRESH needs the view's owner; callers need no privilege on it.
CREATE FUNCTION pgfresh._execute_run(p_run_id bigint, p_full boolean DEFAULT FALSE)
RETURNS pgfresh.job_runs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_view text;
    v_populated boolean;
    v_incremental boolean;
    v_requests integer;
    v_changes integer;
    v_message text;
    v_sqlstate text;
BEGIN
    SELECT r.view_name INTO v_view
      FROM pgfresh.job_runs AS r
     WHERE r.id = p_run_id AND r.status = 'running';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pgfresh: job run % is not a running run', p_run_id
            USING ERRCODE = 'PF103',
                  HINT = 'Start a refresh with pgfresh.refresh_view or pgfresh.refresh_view_now.';
    END IF;

    SELECT c.relispopulated, r.incremental INTO v_populated, v_incremental
      FROM pgfresh._managed_relations() AS r
      JOIN pg_catalog.pg_class AS c ON c.oid = r.relid
     WHERE r.view_name = v_view;
    IF NOT FOUND THEN  -- dropped since the run began (a migration)
        RETURN pgfresh._finish_run(p_run_id, 'failed', 'the view no longer exists', 'PF101');
    END IF;

    IF NOT pg_catalog.pg_try_advisory_xact_lock(pgfresh._view_lock_key(v_view)) THEN
        RETURN pgfresh._finish_run(p_run_id, 'skipped');
    END IF;

    BEGIN
        DELETE FROM pgfresh.refresh_queue AS q WHERE q.view_name = v_view;
        GET DIAGNOSTICS v_requests = ROW_COUNT;
        PERFORM pgfresh._reset_tail(v_view);  -- the live views' tail (docs/latency.md)
        IF v_incremental THEN
            EXECUTE pg_catalog.format('SELECT pgfresh.%I($1)', '_apply_' || v_view) INTO v_changes USING p_full;
        ELSE
            SELECT count(c.source_table)::integer INTO v_changes FROM pgfresh._take_changes(v_view) AS c;
            IF v_populated THEN
                EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.%I', v_view);
            ELSE
                EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW analytics.%I', v_view);
            END IF;
        END IF;
        v_requests := v_requests + v_changes;
    EXCEPTION WHEN query_canceled OR others THEN
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_sqlstate = RETURNED_SQLSTATE;
        RETURN pgfresh._finish_run(p_run_id, 'failed', v_message, v_sqlstate);
    END;
    RETURN pgfresh._finish_run(p_run_id, 'success', NULL, NULL, v_requests);
END
$$;

COMMENT ON FUNCTION pgfresh._execute_run(bigint, boolean) IS
'Refreshes the view of a running job_runs row under its advisory lock (skipped when busy), draining its queue requests and recorded changes in the same transaction (an incremental table: only their keys, every row when p_full); records the outcome; never raises for a refresh failure.';

-- Callable by whoever may call pgfresh.refresh_view (the owner; see README, Roles).
REVOKE ALL ON FUNCTION pgfresh._execute_run(bigint, boolean) FROM public;
