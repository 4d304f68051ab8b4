-- pgfresh._local_day_ranges(days, tz): the instants to read a source's timestamp column
-- for, to find every row that falls on one of the given local days (time zone tz): each
-- run of days (a gap of more than 3 days starts a new run) as one range [starts_at,
-- ends_at), widened by a day on each side; the ranges never overlap, so a row is read
-- once. The caller keeps the rows whose exact local day is asked for: where a clock goes
-- back across midnight, an instant after a day's first midnight can still belong to the
-- day before, and the widening holds it.
-- Used by the day-keyed row functions (views/mv_revenue_trends.sql,
-- views/mv_booking_trends.sql) to read their sources through the indexes on those columns.
CREATE FUNCTION pgfresh._local_day_ranges(p_days date[], p_tz text)
RETURNS TABLE (starts_at timestamptz, ends_at timestamptz)
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT
        (min(r.day)::timestamp AT TIME ZONE p_tz) - interval '1 day' AS starts_at,  -- noqa: RF02, RF03
        ((max(r.day) + 1)::timestamp AT TIME ZONE p_tz) + interval '1 day' AS ends_at  -- noqa: RF02, RF03
    FROM (
        SELECT
            g.day,
            count(*) FILTER (WHERE g.gap > 3) OVER (ORDER BY g.day) AS run
        FROM (
            SELECT
                d.day,
                d.day - lag(d.day) OVER (ORDER BY d.day) AS gap
            FROM unnest(p_days) AS d (day)  -- noqa: RF02, RF03
            WHERE d.day IS NOT NULL
        ) AS g
    ) AS r
    GROUP BY r.run;
END;

COMMENT ON FUNCTION pgfresh._local_day_ranges(date[], text) IS
'Non-overlapping instant ranges covering the given local days of time zone p_tz (runs of days, widened by a day on each side): what the day-keyed row functions read their sources'' timestamp columns for.';

REVOKE ALL ON FUNCTION pgfresh._local_day_ranges(date[], text) FROM public;
