-- pgfresh._verify_mv_booking_trends(sample_days): compares the stored rows of
-- analytics.mv_booking_trends on a sample of days with a from-scratch computation of the
-- same days (pgfresh.mv_booking_trends_rows).
-- requires: views/mv_booking_trends.sql
-- The sample: today, yesterday, and p_sample_days - 2 other days of the calendar drawn at
-- random. One row per sampled day: rows stored (0 or 1), rows computed (0 or 1), rows that
-- differ (missing, extra or different, compared as whole rows). Reads only;
-- pgfresh.verify_incremental calls it.
CREATE FUNCTION pgfresh._verify_mv_booking_trends(p_sample_days integer)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_first_day date;
    v_today date;
    v_days date[];
BEGIN
    SELECT c.first_day, (now() AT TIME ZONE c.tz)::date INTO v_first_day, v_today
      FROM pgfresh.mv_booking_trends_calendar() AS c;
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
        SELECT t.* FROM analytics.mv_booking_trends AS t WHERE t.bucket_date = ANY (v_days)
    ),
    computed AS (
        SELECT r.* FROM pgfresh.mv_booking_trends_rows(v_days) AS r
    ),
    differing AS (
        (SELECT s.bucket_date FROM (TABLE stored EXCEPT ALL TABLE computed) AS s)
        UNION ALL
        (SELECT c.bucket_date FROM (TABLE computed EXCEPT ALL TABLE stored) AS c)
    )
    SELECT
        d.day,
        (SELECT count(*) FROM stored AS s WHERE s.bucket_date = d.day),
        (SELECT count(*) FROM computed AS c WHERE c.bucket_date = d.day),
        (SELECT count(*) FROM differing AS x WHERE x.bucket_date = d.day)
    FROM pg_catalog.unnest(v_days) AS d (day)
    ORDER BY d.day;
END
$$;

COMMENT ON FUNCTION pgfresh._verify_mv_booking_trends(integer) IS
'Per sampled day (today, yesterday, random days of the calendar): rows stored in analytics.mv_booking_trends, rows computed from scratch, rows that differ. Reads only.';

REVOKE ALL ON FUNCTION pgfresh._verify_mv_booking_trends(integer) FROM public;
