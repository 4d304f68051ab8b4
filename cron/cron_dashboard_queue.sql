-- pg_cron job cron_dashboard_queue: processes the refresh queue (event-driven refreshes)
-- every 30 seconds where pg_cron supports seconds (1.5 and later, Supabase Cron), else
-- every minute (pg_cron 1.4): pgfresh.schedule_job picks the schedule.
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/refresh_materialized_views_each.sql
SELECT pgfresh.schedule_job(
    'cron_dashboard_queue',
    '30 seconds',
    $$CALL pgfresh.refresh_materialized_views_each('queue')$$
);
