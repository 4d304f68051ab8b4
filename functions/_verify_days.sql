-- pgfresh._verify_days(view, sample_days): compares the stored rows of an incremental view
-- keyed by local day (analytics.<view>, whose primary key is one date column) on a sample
-- of days with a from-scratch computation of the same days (pgfresh.<view>_rows(days),
-- which reads no stored row); called by the view's own pgfresh._verify_<view>(integer).
-- requires: setup/analytics.sql, functions/setting.sql
-- The sample: today and yesterday (business time zone), and p_sample_days - 2 other days
-- the table holds, drawn at random. One row per sampled day: rows stored (0 or 1), rows
-- computed (0 or 1), rows that differ (missing, extra or different, compared as whole
-- rows). Reads only. The view name is the caller's constant and the key column comes from
-- the catalog, both quoted with %I.
-- jit off: the planner's estimate of a computation of a few days passes jit_above_cost,
-- and compiling cost seconds for a query of a tenth of one (sample scale 1).
CREATE FUNCTION pgfresh._verify_days(p_view text, p_sample_days integer)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_key name;
    v_today date := (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
    v_days date[];
BEGIN
    SELECT a.attname INTO STRICT v_key
      FROM pg_catalog.pg_index AS i
     INNER JOIN pg_catalog.pg_attribute AS a ON i.indrelid = a.attrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = pg_catalog.format('analytics.%I', p_view)::regclass
       AND i.indisprimary AND i.indnkeyatts = 1 AND a.atttypid = 'date'::regtype;

    EXECUTE pg_catalog.format($q$
    SELECT pg_catalog.array_agg(d.day ORDER BY d.day)
      FROM (
        SELECT $1 AS day
        UNION
        SELECT $1 - 1
        UNION
        (SELECT t.%2$I
           FROM analytics.%1$I AS t
          WHERE t.%2$I < $1 - 1
          ORDER BY pg_catalog.random()
          LIMIT greatest($2 - 2, 0))
      ) AS d
    $q$, p_view, v_key) INTO v_days USING v_today, p_sample_days;

    RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH
    stored AS (
        SELECT t.* FROM analytics.%1$I AS t WHERE t.%3$I = ANY ($1)
    ),
    computed AS (
        SELECT r.* FROM pgfresh.%2$I($1) AS r
    ),
    differing AS (
        (SELECT s.%3$I AS day FROM (TABLE stored EXCEPT ALL TABLE computed) AS s)
        UNION ALL
        (SELECT c.%3$I AS day FROM (TABLE computed EXCEPT ALL TABLE stored) AS c)
    )
    SELECT
        d.day,
        (SELECT count(*) FROM stored AS s WHERE s.%3$I = d.day),
        (SELECT count(*) FROM computed AS c WHERE c.%3$I = d.day),
        (SELECT count(*) FROM differing AS x WHERE x.day = d.day)
    FROM pg_catalog.unnest($1) AS d (day)
    ORDER BY d.day
    $q$, p_view, p_view || '_rows', v_key) USING v_days;
END
$$;

COMMENT ON FUNCTION pgfresh._verify_days(text, integer) IS
'Per sampled day (today, yesterday, random days the table holds) of an incremental view keyed by local day: rows stored, rows computed from scratch, rows that differ. Reads only. Called by pgfresh._verify_<view>.';

REVOKE ALL ON FUNCTION pgfresh._verify_days(text, integer) FROM public;
