-- pgfresh.purge_history(older_than): retention. Deletes finished job_runs,
-- cron.job_run_details (when pg_cron is installed here) and orphaned queue requests older
-- than the age, and the source changes every view has taken; returns what it deleted per
-- table.
-- requires: tables/job_runs.sql, tables/refresh_queue.sql, functions/_purge_taken_changes.sql, functions/managed_views.sql, functions/setting.sql
-- older_than NULL (the default) takes pgfresh.setting('job_runs_retention'). Queue
-- requests are deleted when a refresh serves them; the ones left are for names that are
-- not managed views (a view dropped, or a view_sources row for a view not yet created),
-- and only those are purged here. Schedule it daily: SELECT pgfresh.purge_history();
CREATE FUNCTION pgfresh.purge_history(p_older_than interval DEFAULT NULL)
RETURNS TABLE (table_name text, deleted bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_age interval := coalesce(p_older_than, pgfresh.setting('job_runs_retention')::interval);
    v_cutoff timestamptz;
    v_count bigint;
    v_cron_history regclass := pg_catalog.to_regclass('cron.job_run_details');
BEGIN
    IF v_age <= interval '0' THEN
        RAISE EXCEPTION 'pgfresh: purge_history needs a positive age, not %', v_age
            USING ERRCODE = 'PF105',
                  HINT = 'Pass an interval such as ''30 days'', or NULL for the job_runs_retention setting.';
    END IF;
    v_cutoff := pg_catalog.now() - v_age;

    DELETE FROM pgfresh.job_runs AS r WHERE r.status <> 'running' AND r.started_at < v_cutoff;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    table_name := 'pgfresh.job_runs';
    deleted := v_count;
    RETURN NEXT;

    DELETE FROM pgfresh.refresh_queue AS q
     WHERE q.enqueued_at < v_cutoff
       AND NOT EXISTS (SELECT FROM pgfresh.managed_views() AS m WHERE m.view_name = q.view_name);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    table_name := 'pgfresh.refresh_queue';
    deleted := v_count;
    RETURN NEXT;

    -- Source changes every view has taken, or that no managed view reads (any age: they
    -- are not history; every refresh purges them too).
    table_name := 'pgfresh.source_changes';
    deleted := pgfresh._purge_taken_changes()::bigint;
    RETURN NEXT;

    IF v_cron_history IS NOT NULL THEN
        -- Dynamic: the table exists only where pg_cron is installed. A run that never
        -- started (failed connection) has no start_time; its end_time decides.
        BEGIN
            EXECUTE pg_catalog.format(
                'DELETE FROM %s AS d WHERE coalesce(d.end_time, d.start_time) < $1', v_cron_history
            ) USING v_cutoff;
            GET DIAGNOSTICS v_count = ROW_COUNT;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'pgfresh: may not delete from cron.job_run_details; its history is kept'
                USING ERRCODE = 'PF603',
                      DETAIL = pg_catalog.format('Role %I (the owner of pgfresh) lacks DELETE on cron.job_run_details.',
                                                 CURRENT_USER),
                      HINT = pg_catalog.format('As the superuser that created pg_cron: '
                                               'GRANT DELETE ON cron.job_run_details TO %I.', CURRENT_USER);
            v_count := NULL;
        END;
        table_name := 'cron.job_run_details';
        deleted := v_count;
        RETURN NEXT;
    END IF;
END
$$;

COMMENT ON FUNCTION pgfresh.purge_history(interval) IS
'Retention: deletes job_runs (not running), cron.job_run_details (if present) and queue requests for unmanaged names older than p_older_than (NULL: setting job_runs_retention). Non-positive age: PF105.';

-- Owner only (it deletes history); schedule it with pg_cron.
REVOKE ALL ON FUNCTION pgfresh.purge_history(interval) FROM public;
