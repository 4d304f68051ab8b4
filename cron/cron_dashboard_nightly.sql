-- pg_cron job cron_dashboard_nightly: ticks every hour (UTC) and refreshes the views whose
-- nightly slot (setting nightly_at, 02:00 local) has begun and has no refresh yet (seed:
-- mv_customer_cohorts).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/refresh_materialized_views_each.sql
-- pg_cron 1.4 schedules in UTC only, and 02:00 local is a different UTC hour in summer and
-- winter, so the job ticks hourly and pgfresh.due_views decides in local time: once per
-- local day across DST changes, and a failed nightly refresh is retried the next hour.
SELECT pgfresh.schedule_job(
    'cron_dashboard_nightly',
    '0 * * * *',
    $$CALL pgfresh.refresh_materialized_views_each('cron_dashboard_nightly')$$
);
