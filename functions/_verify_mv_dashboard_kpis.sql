-- pgfresh._verify_mv_dashboard_kpis(sample_days): compares the stored rows of
-- analytics.mv_dashboard_kpis on a sample of days with a from-scratch computation of the
-- same days (pgfresh.mv_dashboard_kpis_rows without stored values: balances summed over
-- the whole history).
-- requires: views/mv_dashboard_kpis.sql, functions/mv_dashboard_kpis_calendar.sql
-- The sample: today, yesterday, and p_sample_days - 2 other days of the calendar drawn at
-- random. One row per sampled day: rows stored (0 or 1), rows computed, rows that differ
-- (missing, extra or different, compared as whole rows). Reads only;
-- pgfresh.verify_incremental calls it.
CREATE FUNCTION pgfresh._verify_mv_dashboard_kpis(p_sample_days integer)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_first_day date;
    v_today date;
    v_days date[];
BEGIN
    SELECT w.first_day, w.today INTO v_first_day, v_today FROM pgfresh.mv_dashboard_kpis_calendar(NULL) AS w;
    SELECT pg_catalog.array_agg(d.day ORDER BY d.day) INTO v_days
      FROM (
        SELECT v_today AS day
        UNION
        SELECT v_today - 1
        UNION
        (SELECT (v_first_day + g.n)::date
           FROM pg_catalog.generate_series(0, v_today - v_first_day - 2) AS g (n)
          ORDER BY pg_catalog.random()
          LIMIT greatest(p_sample_days - 2, 0))
      ) AS d
     WHERE d.day >= v_first_day;

    RETURN QUERY
    WITH
    stored AS (
        SELECT t.* FROM analytics.mv_dashboard_kpis AS t WHERE t.snapshot_date = ANY (v_days)
    ),
    computed AS MATERIALIZED (
        SELECT r.* FROM pgfresh.mv_dashboard_kpis_rows(v_days) AS r
    ),
    differing AS (
        (SELECT s.snapshot_date FROM (TABLE stored EXCEPT ALL TABLE computed) AS s)
        UNION ALL
        (SELECT c.snapshot_date FROM (TABLE computed EXCEPT ALL TABLE stored) AS c)
    )
    SELECT
        d.day,
        (SELECT count(*) FROM stored AS s WHERE s.snapshot_date = d.day),
        (SELECT count(*) FROM computed AS c WHERE c.snapshot_date = d.day),
        (SELECT count(*) FROM differing AS x WHERE x.snapshot_date = d.day)
    FROM pg_catalog.unnest(v_days) AS d (day)
    ORDER BY d.day;
END
$$;

COMMENT ON FUNCTION pgfresh._verify_mv_dashboard_kpis(integer) IS
'Per sampled day (today, yesterday, random days of the calendar): rows stored in analytics.mv_dashboard_kpis, rows computed from scratch, rows that differ. Reads only.';

REVOKE ALL ON FUNCTION pgfresh._verify_mv_dashboard_kpis(integer) FROM public;
