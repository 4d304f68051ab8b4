-- pgfresh.run_due(at, job): refreshes every view that is due at the instant at
-- (pgfresh.due_views), in dependency order, each in its own transaction, recording the
-- pg_cron job of its slot as the run's source. What the pg_cron jobs call.
-- requires: functions/due_views.sql, functions/managed_views.sql, functions/refresh_view.sql
-- A procedure: pgfresh.refresh_view commits its 'running' row and each refresh, so it
-- must be CALLed outside an explicit transaction block. Policy rows of views that are not
-- managed views (not created yet) are ignored. A failed refresh is recorded by
-- refresh_view and does not stop the others. No SET search_path and not SECURITY DEFINER
-- (PostgreSQL refuses COMMIT in such a procedure): every name is schema-qualified.
CREATE PROCEDURE pgfresh.run_due(p_at timestamptz DEFAULT now(), p_job text DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
    v_views text[];
    v_jobs text[];
BEGIN
    -- Decided once, before the first refresh commits: the list does not change while it runs.
    SELECT
        coalesce(array_agg(d.view_name ORDER BY m.refresh_order, d.view_name), '{}'),
        coalesce(array_agg(d.cron_job ORDER BY m.refresh_order, d.view_name), '{}')
    INTO v_views, v_jobs
    FROM pgfresh.due_views(p_at, p_job) AS d
    INNER JOIN pgfresh.managed_views() AS m ON d.view_name = m.view_name;

    FOR v_i IN 1..cardinality(v_views) LOOP
        CALL pgfresh.refresh_view(v_views[v_i], v_jobs[v_i]);
    END LOOP;
END
$$;

COMMENT ON PROCEDURE pgfresh.run_due (timestamptz, text) IS
'Refreshes the views due at p_at (default now; pgfresh.due_views), in dependency order, with the pg_cron job of their slot as source. p_job: only that job''s views. CALL it outside a transaction block.';

-- Run by the pg_cron jobs as the role that scheduled them (the migration role).
REVOKE ALL ON PROCEDURE pgfresh.run_due(timestamptz, text) FROM public;
