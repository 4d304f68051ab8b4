-- pg_cron job cron_dashboard_verify: once a day at 07:47 UTC (02:47 in New York in winter,
-- 03:47 in summer: after the nightly refreshes, before the business opens), verifies each
-- incremental view on a sample of 7 days against a full computation of its definition and
-- rebuilds a view that differs (pgfresh.verify_incremental_views).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/verify_incremental_views.sql
-- Off the hour, so that it never meets the hourly and nightly ticks.
SELECT pgfresh.schedule_job(
    'cron_dashboard_verify',
    '47 7 * * *',
    $$CALL pgfresh.verify_incremental_views(7)$$
);
