-- pgfresh.refresh_materialized_views(id): the seed's entry point, as a function: refreshes
-- the views of id (see pgfresh.refresh_targets) in dependency order and returns one
-- job_runs row per view. For RPC (Supabase: grant EXECUTE to service_role only) and
-- outside schedulers.
-- requires: functions/refresh_targets.sql, functions/refresh_view_now.sql, functions/_begin_queued_run.sql
-- requires: functions/_execute_run.sql
-- A function cannot COMMIT: everything it does commits with the caller's transaction, each
-- view's refresh in a subtransaction (a failure is a returned row, not an error). pg_cron
-- calls pgfresh.refresh_materialized_views_each(id) instead, which commits view by view
-- (a procedure of the same name would make every call with a literal ambiguous).
CREATE FUNCTION pgfresh.refresh_materialized_views(p_id text, p_at timestamptz DEFAULT now())
RETURNS SETOF pgfresh.job_runs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_target record;
    v_run_id bigint;
BEGIN
    FOR v_target IN SELECT t.view_name, t.source FROM pgfresh.refresh_targets(p_id, p_at) AS t
                     ORDER BY t.refresh_order LOOP
        IF v_target.source = 'queue' THEN
            v_run_id := pgfresh._begin_queued_run(v_target.view_name);
            IF v_run_id IS NOT NULL THEN
                RETURN NEXT pgfresh._execute_run(v_run_id);
            END IF;
        ELSE
            RETURN NEXT pgfresh.refresh_view_now(v_target.view_name, v_target.source);
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION pgfresh.refresh_materialized_views(text, timestamptz) IS
'SELECT * FROM pgfresh.refresh_materialized_views(id): refresh the views of a pg_cron job id (those due now), ''queue'', or one view name, in the caller''s transaction; one job_runs row per view. Unknown id: PF401, nothing refreshed.';

-- Owner only; an operator grants it to the role of an outside scheduler, e.g. Supabase's
-- service_role (README, "Entry point"). Never to anon or authenticated.
REVOKE ALL ON FUNCTION pgfresh.refresh_materialized_views(text, timestamptz) FROM public;
