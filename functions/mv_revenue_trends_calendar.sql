-- pgfresh.mv_revenue_trends_calendar(): the days analytics.mv_revenue_trends covers now:
-- from the first local day with a succeeded payment or an installment due (not cancelled),
-- or today, to the last local day with a succeeded payment, or today (business time zone).
-- requires: functions/setting.sql
-- One definition for the row function (views/mv_revenue_trends.sql) and the incremental
-- refresh (functions/_apply_mv_revenue_trends.sql), which deletes the days that left the
-- calendar and adds those that came in (a new day after midnight, a backdated payment).
-- Read through the indexes on paid_at and due_at: the first (last) instant, then the rows
-- within a day of it, so that the first (last) LOCAL day is exact even where a clock goes
-- back across midnight (a later instant on an earlier local day is at most a day later).
CREATE FUNCTION pgfresh.mv_revenue_trends_calendar()
RETURNS TABLE (tz text, first_day date, last_day date)
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    z AS MATERIALIZED (
        SELECT
            s.tz,
            (now() AT TIME ZONE s.tz)::date AS today
        FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS s
    ),

    instants AS MATERIALIZED (
        SELECT
            (
                SELECT min(p.paid_at) FROM public.payments AS p
                WHERE p.status = 'succeeded'
            ) AS first_paid,
            (
                SELECT max(p.paid_at) FROM public.payments AS p
                WHERE p.status = 'succeeded'
            ) AS last_paid,
            (
                SELECT min(ps.due_at) FROM public.payment_schedules AS ps
                WHERE ps.status <> 'cancelled'
            ) AS first_due
    )

    SELECT
        z.tz,
        -- least() and greatest() ignore NULL: no payments at all means today
        least(
            (
                SELECT min((p.paid_at AT TIME ZONE z.tz)::date)
                FROM public.payments AS p
                WHERE p.status = 'succeeded' AND p.paid_at < i.first_paid + interval '1 day'
            ),
            (
                SELECT min((ps.due_at AT TIME ZONE z.tz)::date)
                FROM public.payment_schedules AS ps
                WHERE ps.status <> 'cancelled' AND ps.due_at < i.first_due + interval '1 day'
            ),
            z.today
        ) AS first_day,
        greatest(
            (
                SELECT max((p.paid_at AT TIME ZONE z.tz)::date)
                FROM public.payments AS p
                WHERE p.status = 'succeeded' AND p.paid_at > i.last_paid - interval '1 day'
            ),
            z.today
        ) AS last_day
    FROM z
    CROSS JOIN instants AS i;
END;

COMMENT ON FUNCTION pgfresh.mv_revenue_trends_calendar() IS
'The calendar of analytics.mv_revenue_trends as of now(): business time zone, first local day (first succeeded payment or installment due, or today), last local day (last succeeded payment, or today).';

REVOKE ALL ON FUNCTION pgfresh.mv_revenue_trends_calendar() FROM public;
