-- pgfresh.mv_equipment_utilization_window(): the period analytics.mv_equipment_utilization
-- covers now: from max(today - utilization_lookback_days + 1, first telemetry day) to today
-- (local days in the business time zone).
-- requires: functions/setting.sql
-- One definition for the row function (views/mv_equipment_utilization.sql) and the
-- incremental refresh (functions/_apply_mv_equipment_utilization.sql), which deletes the
-- days that slid out and adds the days that came in.
CREATE FUNCTION pgfresh.mv_equipment_utilization_window()
RETURNS TABLE (tz text, first_day date, today date)
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT
        z.tz,
        -- greatest() ignores NULL: no telemetry at all means the whole lookback
        greatest(
            z.today - (z.lookback_days - 1),
            (SELECT min(u.usage_date) FROM public.equipment_utilization AS u)
        ) AS first_day,
        z.today
    FROM (
        SELECT
            s.tz,
            (now() AT TIME ZONE s.tz)::date AS today,
            pgfresh.setting('utilization_lookback_days')::integer AS lookback_days
        FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS s
    ) AS z;
END;

COMMENT ON FUNCTION pgfresh.mv_equipment_utilization_window() IS
'The period of analytics.mv_equipment_utilization as of now(): business time zone, first local day, today.';

REVOKE ALL ON FUNCTION pgfresh.mv_equipment_utilization_window() FROM public;
