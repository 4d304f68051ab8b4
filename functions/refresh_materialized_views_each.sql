-- pgfresh.refresh_materialized_views_each(id, at): the PROCEDURE the pg_cron jobs CALL, and
-- the one loop over the views to refresh (pgfresh.run_due is an alias of it). Same ids and
-- targets as the function pgfresh.refresh_materialized_views(id, at), but each view is
-- refreshed by pgfresh.refresh_view in transactions of its own ('running' visible, one
-- view's lock or failure never holds another's); the outcomes come back in p_outcomes (a
-- JSON array).
-- requires: functions/refresh_targets.sql, functions/refresh_view.sql, functions/process_queue.sql
-- The targets are decided once, by pgfresh.refresh_targets, before the first refresh
-- commits (the loop's query is materialized at the first COMMIT), so the list does not
-- change while it runs. SECURITY INVOKER without SET, like pgfresh.refresh_view, so that
-- it can COMMIT.
CREATE PROCEDURE pgfresh.refresh_materialized_views_each(
    p_id text, INOUT p_outcomes jsonb DEFAULT NULL, p_at timestamptz DEFAULT now()
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_first_run bigint;
    v_target record;
BEGIN
    SELECT coalesce(max(r.id), 0) INTO v_first_run FROM pgfresh.job_runs AS r;
    IF p_id IN ('queue', 'cron_dashboard_queue') THEN
        CALL pgfresh.process_queue();
    ELSE
        -- Resolved (and refused when unknown) before anything runs.
        FOR v_target IN SELECT t.view_name, t.source FROM pgfresh.refresh_targets(p_id, p_at) AS t
                         ORDER BY t.refresh_order LOOP
            CALL pgfresh.refresh_view(v_target.view_name, v_target.source);
        END LOOP;
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'job_run_id', r.id, 'view', r.view_name, 'source', r.source, 'status', r.status,
               'duration_ms', round(extract(EPOCH FROM r.duration) * 1000, 3),
               'error', r.error_message, 'sqlstate', r.sqlstate) ORDER BY r.id), '[]'::jsonb)
      INTO p_outcomes
      FROM pgfresh.job_runs AS r
     WHERE r.id > v_first_run AND r.backend_pid = pg_backend_pid();
END
$$;

-- (noqa: sqlfluff parses the signature of a PROCEDURE as a function call)
COMMENT ON PROCEDURE pgfresh.refresh_materialized_views_each(text, jsonb, timestamptz) IS  -- noqa: LT01
'CALL pgfresh.refresh_materialized_views_each(id): what pg_cron runs; refreshes the views of id (pgfresh.refresh_targets) due at p_at (default now) view by view, each in its own transactions; p_outcomes: JSON array of the runs. pgfresh.run_due is an alias.';

-- Owner only by default (see README, Roles).
REVOKE ALL ON PROCEDURE pgfresh.refresh_materialized_views_each(text, jsonb, timestamptz) FROM public;
