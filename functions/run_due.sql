-- pgfresh.run_due(at, job): an alias of pgfresh.refresh_materialized_views_each, kept for
-- the outside schedulers and runbooks that call it. run_due(at, job) is
-- refresh_materialized_views_each(job, at => at); with job NULL, the id 'due' (every view
-- due at at, each with the pg_cron job of its slot as source).
-- requires: functions/refresh_materialized_views_each.sql
-- A procedure: the refreshes commit view by view, so it must be CALLed outside an explicit
-- transaction block. No SET search_path and not SECURITY DEFINER (PostgreSQL refuses
-- COMMIT in such a procedure): every name is schema-qualified.
CREATE PROCEDURE pgfresh.run_due(p_at timestamptz DEFAULT now(), p_job text DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
    v_outcomes jsonb;  -- the INOUT argument must be a variable in plpgsql; unused
BEGIN
    CALL pgfresh.refresh_materialized_views_each(coalesce(p_job, 'due'), v_outcomes, p_at);
END
$$;

COMMENT ON PROCEDURE pgfresh.run_due (timestamptz, text) IS
'Alias: CALL pgfresh.refresh_materialized_views_each(coalesce(p_job, ''due''), p_at => p_at). Refreshes the views due at p_at (default now), in dependency order, with the pg_cron job of their slot as source; p_job: only that job''s views. CALL it outside a transaction block.';

-- Run by the pg_cron jobs as the role that scheduled them (the migration role).
REVOKE ALL ON PROCEDURE pgfresh.run_due(timestamptz, text) FROM public;
