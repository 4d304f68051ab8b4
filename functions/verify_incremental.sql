-- pgfresh.verify_incremental(view, sample_days): does an incremental view hold what a full
-- computation of its definition gives? Compares a sample of days (today, yesterday and
-- random days of its period) row by row; reads only.
-- requires: functions/_resolve_view.sql, functions/_managed_relations.sql, functions/_verify_mv_equipment_utilization.sql
-- requires: functions/_verify_mv_financial_summary.sql
-- Each incremental view has its own pgfresh._verify_<view>(integer) (it knows its keys and
-- its period); the name is resolved against the managed views first and quoted with %I.
-- pgfresh.verify_incremental_views (the nightly job) rebuilds a view that differs.
CREATE FUNCTION pgfresh.verify_incremental(p_view_name text, p_sample_days integer DEFAULT 7)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_view text := pgfresh._resolve_view(p_view_name);
BEGIN
    IF NOT (SELECT r.incremental FROM pgfresh._managed_relations() AS r WHERE r.view_name = v_view) THEN
        RAISE EXCEPTION 'pgfresh: analytics.% is not an incremental view', v_view
            USING ERRCODE = 'PF801',
                  DETAIL = 'It is a materialized view: every refresh recomputes it whole, there is nothing to verify.',
                  HINT = 'SELECT view_name FROM pgfresh._managed_relations() WHERE incremental lists the incremental views.';
    END IF;
    IF p_sample_days IS NULL OR p_sample_days < 1 OR p_sample_days > 366 THEN
        RAISE EXCEPTION 'pgfresh: sample of % days', coalesce(p_sample_days::text, 'NULL')
            USING ERRCODE = 'PF802',
                  DETAIL = 'The sample is today, yesterday and random days of the period: 1 to 366 days.',
                  HINT = 'Pass p_sample_days between 1 and 366 (default 7).';
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format('SELECT * FROM pgfresh.%I($1)', '_verify_' || v_view)
        USING p_sample_days;
END
$$;

COMMENT ON FUNCTION pgfresh.verify_incremental(text, integer) IS
'Per sampled day of an incremental view: rows stored, rows a full computation gives, rows that differ (0 when incremental refresh kept it exact). Not incremental: PF801; sample outside 1..366: PF802; unknown view: PF101.';

-- Owner only, like the refresh functions; a monitoring role may be granted EXECUTE.
REVOKE ALL ON FUNCTION pgfresh.verify_incremental(text, integer) FROM public;
