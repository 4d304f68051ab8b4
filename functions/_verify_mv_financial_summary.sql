-- pgfresh._verify_mv_financial_summary(sample_days): compares the stored rows of
-- analytics.mv_financial_summary on a sample of days (today, yesterday, random days the
-- table holds) with a from-scratch computation of the same days
-- (pgfresh.mv_financial_summary_rows), through pgfresh._verify_days. One row per sampled day:
-- rows stored, rows computed, rows that differ. Reads only; pgfresh.verify_incremental
-- calls it.
-- requires: functions/_verify_days.sql, views/mv_financial_summary.sql
CREATE FUNCTION pgfresh._verify_mv_financial_summary(p_sample_days integer)
RETURNS TABLE (snapshot_date date, stored bigint, computed bigint, differing bigint)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pgfresh
BEGIN ATOMIC
    SELECT
        v.snapshot_date,
        v.stored,
        v.computed,
        v.differing
    FROM pgfresh._verify_days('mv_financial_summary', p_sample_days) AS v;  -- noqa: RF02, RF03
END;

COMMENT ON FUNCTION pgfresh._verify_mv_financial_summary(integer) IS
'Per sampled day (today, yesterday, random days the table holds): rows stored in analytics.mv_financial_summary, rows computed from scratch, rows that differ. Reads only.';

REVOKE ALL ON FUNCTION pgfresh._verify_mv_financial_summary(integer) FROM public;
