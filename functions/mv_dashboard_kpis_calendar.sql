-- pgfresh.mv_dashboard_kpis_calendar(asked_from): the calendar of
-- analytics.mv_dashboard_kpis: its first and last local day, with the business time zone
-- and today there; shared by the row definition (views/mv_dashboard_kpis.sql) and the
-- refresh (functions/_apply_mv_dashboard_kpis.sql).
-- requires: functions/setting.sql
-- The calendar runs from the first event of any source (or today) to the last booking,
-- payment or utilization day (or today). The ends of bookings (created_at), payments
-- (paid_at) and utilization (usage_date) are read by index; the first installment
-- (payment_schedules.created_at) and insurance document (submitted_at) have no index, so
-- they are read only when they could matter: first_day is NULL, meaning "before
-- p_asked_from", when bookings, payments or utilization already start before that day
-- (p_asked_from NULL: always exact; 'infinity': never read, first_day NULL).
CREATE FUNCTION pgfresh.mv_dashboard_kpis_calendar(p_asked_from date DEFAULT NULL)
RETURNS TABLE (tz text, today date, first_day date, last_day date)
LANGUAGE sql
STABLE
-- one row (the planner would assume 1000 and multiply every estimate of the row function)
ROWS 1
BEGIN ATOMIC
    WITH
    settings AS MATERIALIZED (
        SELECT
            z.tz,
            (now() AT TIME ZONE z.tz)::date AS today
        FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
    ),

    cheap_bounds AS MATERIALIZED (
        SELECT
            s.tz,
            s.today,
            least(
                s.today,
                (((SELECT min(b.created_at) FROM public.bookings AS b) AT TIME ZONE s.tz)::date),
                ((
                    (
                        SELECT min(p.paid_at) FROM public.payments AS p
                        WHERE p.status = 'succeeded' AND p.paid_at IS NOT NULL
                    ) AT TIME ZONE s.tz
                )::date),
                (SELECT min(u.usage_date) FROM public.equipment_utilization AS u)
            ) AS first_day,
            greatest(
                s.today,
                (((SELECT max(b.created_at) FROM public.bookings AS b) AT TIME ZONE s.tz)::date),
                ((
                    (
                        SELECT max(p.paid_at) FROM public.payments AS p
                        WHERE p.status = 'succeeded' AND p.paid_at IS NOT NULL
                    ) AT TIME ZONE s.tz
                )::date),
                (SELECT max(u.usage_date) FROM public.equipment_utilization AS u)
            ) AS last_day
        FROM settings AS s
    )

    SELECT
        cb.tz,
        cb.today,
        CASE
            WHEN cb.first_day < p_asked_from THEN NULL::date  -- noqa: RF02, RF03
            ELSE least(
                    cb.first_day,
                    ((
                        (
                            SELECT min(ps.created_at) FROM public.payment_schedules AS ps
                            WHERE ps.status <> 'cancelled'
                        ) AT TIME ZONE cb.tz
                    )::date),
                    (((SELECT min(i.submitted_at) FROM public.insurance_documents AS i) AT TIME ZONE cb.tz)::date)
                )
        END AS first_day,
        cb.last_day
    FROM cheap_bounds AS cb;
END;

COMMENT ON FUNCTION pgfresh.mv_dashboard_kpis_calendar(date) IS
'The calendar of analytics.mv_dashboard_kpis: business time zone, today there, first and last local day; first_day NULL when it is before p_asked_from (then the sources without a time index are not read).';

-- The engine's own helper (called as the owner by the refresh).
REVOKE ALL ON FUNCTION pgfresh.mv_dashboard_kpis_calendar(date) FROM public;
