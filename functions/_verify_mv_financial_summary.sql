-- pgfresh._verify_mv_financial_summary(sample_days): compares the stored rows of
-- analytics.mv_financial_summary on a sample of days with a from-scratch computation of
-- the same days (pgfresh.mv_financial_summary_rows).
-- requires: views/mv_financial_summary.sql
-- The sample: today, yesterday, and p_sample_days - 2 other days the table holds, drawn at
-- random. One row per sampled day: rows stored, rows computed (0 or 1), rows that differ
-- (missing, extra or different, compared as whole rows). Reads only; pgfresh.verify_incremental
-- calls it. jit off: see functions/_apply_mv_financial_summary.sql.
CREATE FUNCTION pgfresh._verify_mv_financial_summary(p_sample_days integer)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_today date := (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
    v_days date[];
BEGIN
    SELECT pg_catalog.array_agg(d.day ORDER BY d.day) INTO v_days
      FROM (
        SELECT v_today AS day
        UNION
        SELECT v_today - 1
        UNION
        (SELECT t.snapshot_date
           FROM analytics.mv_financial_summary AS t
          WHERE t.snapshot_date < v_today - 1
          ORDER BY pg_catalog.random()
          LIMIT greatest(p_sample_days - 2, 0))
      ) AS d;

    RETURN QUERY EXECUTE '
    WITH
    stored AS (
        SELECT t.* FROM analytics.mv_financial_summary AS t WHERE t.snapshot_date = ANY ($1)
    ),
    computed AS (
        SELECT r.* FROM pgfresh.mv_financial_summary_rows($1) AS r
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
    FROM pg_catalog.unnest($1) AS d (day)
    ORDER BY d.day' USING v_days;
END
$$;

COMMENT ON FUNCTION pgfresh._verify_mv_financial_summary(integer) IS
'Per sampled day (today, yesterday, random days the table holds): rows stored in analytics.mv_financial_summary, rows computed from scratch, rows that differ. Reads only.';

REVOKE ALL ON FUNCTION pgfresh._verify_mv_financial_summary(integer) FROM public;
