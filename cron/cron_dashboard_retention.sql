-- pg_cron job cron_dashboard_retention: once a day at 03:17 UTC, deletes the history older
-- than setting job_runs_retention (job_runs, cron.job_run_details, orphaned queue rows).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/purge_history.sql
-- Off the hour, so that it never meets the hourly and nightly ticks.
SELECT pgfresh.schedule_job(
    'cron_dashboard_retention',
    '17 3 * * *',
    $$SELECT pgfresh.purge_history()$$
);
