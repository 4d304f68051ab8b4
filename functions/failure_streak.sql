-- pgfresh.failure_streak(view): how many times in a row a view has failed, since its last
-- success, and when the queue may retry it (capped exponential backoff).
-- requires: tables/job_runs.sql, functions/setting.sql
-- Skipped and abandoned runs neither count nor break the streak. Derived from job_runs,
-- so no per-view state row exists for writers or refreshes to contend on.
CREATE FUNCTION pgfresh.failure_streak(p_view_name text)
RETURNS TABLE (consecutive_failures integer, last_failed_at timestamptz, next_retry_at timestamptz)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
    WITH
    last_success AS (
        SELECT max(r.started_at) AS started_at
        FROM pgfresh.job_runs AS r
        WHERE r.view_name = p_view_name AND r.status = 'success'
    ),

    failures AS (
        SELECT
            count(*)::integer AS consecutive_failures,
            max(r.finished_at) AS last_failed_at
        FROM pgfresh.job_runs AS r
        CROSS JOIN last_success AS s
        WHERE r.view_name = p_view_name
          AND r.status = 'failed'
          AND r.started_at > coalesce(s.started_at, '-infinity'::timestamptz)
    ),

    backoff AS (
        SELECT
            pgfresh.setting('retry_backoff_base')::interval AS base,
            pgfresh.setting('retry_backoff_max')::interval AS cap
    ),

    final AS (
        SELECT
            f.consecutive_failures,
            f.last_failed_at,
            -- base after the 1st failure, 2 x base after the 2nd, 4 x after the 3rd, ... <= cap
            CASE WHEN f.consecutive_failures > 0 THEN
                f.last_failed_at
                + least(b.base * power(2, least(f.consecutive_failures - 1, 30)), b.cap)
            END AS next_retry_at
        FROM failures AS f
        CROSS JOIN backoff AS b
    )

    SELECT f.consecutive_failures, f.last_failed_at, f.next_retry_at FROM final AS f
$$;

COMMENT ON FUNCTION pgfresh.failure_streak(text) IS
'Failures in a row of a view since its last success, the last one''s finish, and next_retry_at = that + least(retry_backoff_base * 2^(n-1), retry_backoff_max); NULLs/0 when not failing.';

REVOKE ALL ON FUNCTION pgfresh.failure_streak(text) FROM public;
