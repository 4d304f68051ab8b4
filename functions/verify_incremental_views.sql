-- pgfresh.verify_incremental_views(sample_days): the nightly check of the incremental
-- views: for each, compare a sample of days with a full computation
-- (pgfresh.verify_incremental); a view that differs gets a WARNING and a full rebuild
-- (pgfresh.refresh_view(..., p_full => true), source 'verify', recorded in job_runs).
-- requires: functions/verify_incremental.sql, functions/refresh_view.sql
-- A procedure (each rebuild in its own transactions, as refresh_view does); CALL it
-- outside a transaction block. pg_cron calls it (cron/cron_dashboard_verify.sql).
CREATE PROCEDURE pgfresh.verify_incremental_views(p_sample_days integer DEFAULT 7)
LANGUAGE plpgsql
AS $$
DECLARE
    v_view text;
    v_differing numeric;
BEGIN
    FOR v_view IN
        SELECT r.view_name FROM pgfresh._managed_relations() AS r WHERE r.incremental ORDER BY r.view_name
    LOOP
        SELECT sum(v.differing) INTO v_differing FROM pgfresh.verify_incremental(v_view, p_sample_days) AS v;
        COMMIT;
        IF v_differing > 0 THEN
            RAISE WARNING 'pgfresh: analytics.% differs from a full computation in % rows of the sampled days; rebuilding it', v_view, v_differing;
            CALL pgfresh.refresh_view(v_view, 'verify', p_full => true);
        ELSE
            RAISE NOTICE 'pgfresh: analytics.% matches a full computation on % sampled days', v_view, p_sample_days;
        END IF;
    END LOOP;
END
$$;

COMMENT ON PROCEDURE pgfresh.verify_incremental_views(integer) IS  -- noqa: LT01
'CALL pgfresh.verify_incremental_views(7): verify each incremental view on a sample of days against a full computation; rebuild in full (job_runs source ''verify'') any that differs.';

REVOKE ALL ON PROCEDURE pgfresh.verify_incremental_views(integer) FROM public;
