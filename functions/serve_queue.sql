-- pgfresh.serve_queue(serve_for): the queue server. CALL it from the queue job (pg_cron,
-- every minute): it serves the refresh queue every queue_poll_interval (2 s) for
-- queue_serve_for (58 s), so an event-driven refresh starts within seconds although
-- pg_cron 1.4 ticks once a minute. Each round is pgfresh.process_queue (when there is
-- work) and ends with COMMIT.
-- requires: functions/process_queue.sql, functions/setting.sql, functions/_queue_server_lock_key.sql
-- requires: functions/_queue_job.sql, functions/_queue_has_work.sql, functions/_log_queue_server.sql
-- One server per database: the session-level advisory lock of _queue_server_lock_key, the
-- only lock held across rounds; a second server returns at once (status busy, with the
-- holder's pid) and says so in the server log (one JSON line, event pgfresh.queue_server)
-- and a NOTICE. Between rounds it holds no snapshot and no other lock (each round commits;
-- the sleep is its own short transaction). It stops at the first round after:
-- serve_for has passed (NULL: setting queue_serve_for; 0: one round), the queue job is
-- paused (cron.job.active false) or unscheduled, or a cancel during the sleep. A fast
-- shutdown or pg_terminate_backend ends it at once; a refresh cut off that way is marked
-- abandoned and retried by the next server. With a statement_timeout set, it serves for
-- at most half of it (the CALL is one statement).
-- SECURITY INVOKER without SET, like pgfresh.process_queue, so that it can COMMIT.
CREATE PROCEDURE pgfresh.serve_queue(p_serve_for interval DEFAULT NULL, INOUT p_outcome jsonb DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
    v_started timestamptz := pg_catalog.clock_timestamp();
    v_poll interval := pgfresh.setting('queue_poll_interval')::interval;
    v_serve_for interval := coalesce(p_serve_for, pgfresh.setting('queue_serve_for')::interval);
    v_timeout interval := pg_catalog.current_setting('statement_timeout')::interval;
    v_key constant bigint := pgfresh._queue_server_lock_key();
    v_jobid bigint;
    v_job record;
    v_round_at timestamptz;
    v_rounds integer := 0;
    v_busy_rounds integer := 0;
    v_stopped_by text := 'time';
BEGIN
    IF v_poll <= interval '0' THEN
        RAISE EXCEPTION 'pgfresh: queue_poll_interval must be more than zero, not %', v_poll
            USING ERRCODE = 'PF901',
                  DETAIL = 'Nothing was served.',
                  HINT = 'UPDATE pgfresh.settings SET value = ''2 seconds'' WHERE key = ''queue_poll_interval'';';
    END IF;
    IF v_serve_for < interval '0' THEN
        RAISE EXCEPTION 'pgfresh: serve_queue cannot serve for a negative time (%)', v_serve_for
            USING ERRCODE = 'PF901',
                  DETAIL = 'Nothing was served.',
                  HINT = 'Give 0 for one round, or NULL for setting queue_serve_for (58 seconds).';
    END IF;
    IF v_timeout > interval '0' THEN
        v_serve_for := least(v_serve_for, v_timeout / 2);
    END IF;

    IF NOT pg_catalog.pg_try_advisory_lock(v_key) THEN
        SELECT jsonb_build_object('status', 'busy', 'holder_pid', min(l.pid)) INTO p_outcome
          FROM pg_catalog.pg_locks AS l
         WHERE l.locktype = 'advisory' AND l.granted AND l.database = (
                   SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())
           AND l.classid = (v_key >> 32)::oid AND l.objid = (v_key & x'ffffffff'::bigint)::oid AND l.objsubid = 1;
        PERFORM pgfresh._log_queue_server(p_outcome);
        RAISE NOTICE 'pgfresh: another queue server (pid %) is serving this database; this one exits',
            p_outcome ->> 'holder_pid';
        RETURN;
    END IF;

    SELECT j.jobid INTO v_jobid FROM pgfresh._queue_job() AS j;
    LOOP
        v_round_at := pg_catalog.clock_timestamp();
        SELECT j.jobid, j.active INTO v_job FROM pgfresh._queue_job() AS j;
        IF v_job.active IS FALSE THEN
            v_stopped_by := 'paused';
            EXIT;
        ELSIF v_jobid IS DISTINCT FROM v_job.jobid THEN
            v_stopped_by := 'unscheduled';
            EXIT;
        END IF;
        v_rounds := v_rounds + 1;
        IF pgfresh._queue_has_work() THEN
            v_busy_rounds := v_busy_rounds + 1;
            CALL pgfresh.process_queue();
        END IF;
        COMMIT;
        EXIT WHEN v_round_at + v_poll > v_started + v_serve_for;
        BEGIN
            PERFORM pg_catalog.pg_sleep(
                greatest(0, extract(EPOCH FROM v_round_at + v_poll - pg_catalog.clock_timestamp())));
        EXCEPTION WHEN query_canceled THEN
            v_stopped_by := 'canceled';
        END;
        COMMIT;
        EXIT WHEN v_stopped_by = 'canceled';
    END LOOP;

    PERFORM pg_catalog.pg_advisory_unlock(v_key);
    p_outcome := jsonb_build_object(
        'status', 'served',
        'stopped_by', v_stopped_by,
        'rounds', v_rounds,
        'busy_rounds', v_busy_rounds,
        'poll_interval_ms', round(extract(EPOCH FROM v_poll) * 1000),
        'served_ms', round(extract(EPOCH FROM pg_catalog.clock_timestamp() - v_started) * 1000, 3)
    );
    PERFORM pgfresh._log_queue_server(p_outcome);
END
$$;

-- (noqa: sqlfluff parses the signature of a PROCEDURE as a function call)
COMMENT ON PROCEDURE pgfresh.serve_queue(interval, jsonb) IS  -- noqa: LT01
'CALL pgfresh.serve_queue(): the queue job''s command. Serves the refresh queue every queue_poll_interval for queue_serve_for (or p_serve_for; 0: one round), committing each round; one server per database (advisory lock), a second returns at once with status busy. Stops when the queue job is paused or unscheduled. p_outcome: what it did (JSON).';

-- Owner only by default (see README, Roles).
REVOKE ALL ON PROCEDURE pgfresh.serve_queue(interval, jsonb) FROM public;
