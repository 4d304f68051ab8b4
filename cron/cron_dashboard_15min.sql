-- pg_cron job cron_dashboard_15min: every 15 minutes (UTC), refreshes the due views whose
-- policy names this job (seed: mv_dashboard_kpis during business hours, 06:00-22:00 local).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/refresh_materialized_views_each.sql
-- Local quarter hours are UTC quarter hours in every time zone (offsets are multiples of
-- 15 minutes); pgfresh.due_views decides in local time whether it is business hours.
SELECT pgfresh.schedule_job(
    'cron_dashboard_15min',
    '*/15 * * * *',
    $$CALL pgfresh.refresh_materialized_views_each('cron_dashboard_15min')$$
);
