-- pgfresh._verify_days(view, sample_days): compares the stored rows of a day-keyed
-- incremental view (analytics.<view>, bucket_date) on a sample of days with a from-scratch
-- computation of the same days (pgfresh.<view>_rows(days)); called by the view's own
-- pgfresh._verify_<view>(integer).
-- requires: setup/analytics.sql
-- The sample: today, yesterday, and p_sample_days - 2 other days of the calendar
-- (pgfresh.<view>_calendar()) drawn at random. One row per sampled day: rows stored (0 or
-- 1), rows computed (0 or 1), rows that differ (missing, extra or different, compared as
-- whole rows). Reads only. The names are the caller's constants, quoted with %I.
CREATE FUNCTION pgfresh._verify_days(p_view text, p_sample_days integer)
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
    EXECUTE pg_catalog.format('SELECT c.first_day, (now() AT TIME ZONE c.tz)::date FROM pgfresh.%I() AS c',
                              p_view || '_calendar')
       INTO v_first_day, v_today;
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

    RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH
    stored AS (
        SELECT t.* FROM analytics.%1$I AS t WHERE t.bucket_date = ANY ($1)
    ),
    computed AS (
        SELECT r.* FROM pgfresh.%2$I($1) AS r
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
    FROM pg_catalog.unnest($1) AS d (day)
    ORDER BY d.day
    $q$, p_view, p_view || '_rows') USING v_days;
END
$$;

COMMENT ON FUNCTION pgfresh._verify_days(text, integer) IS
'Per sampled day (today, yesterday, random days of the calendar) of a day-keyed incremental view: rows stored, rows computed from scratch, rows that differ. Reads only. Called by pgfresh._verify_<view>.';

REVOKE ALL ON FUNCTION pgfresh._verify_days(text, integer) FROM public;
