-- pg_cron job cron_dashboard_hourly: every hour (UTC), refreshes the due views whose policy
-- names this job (seed: revenue, booking trends, utilization, financial summary, and
-- mv_dashboard_kpis outside business hours).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/refresh_materialized_views_each.sql
-- In a zone whose offset is not whole hours (Asia/Kolkata) the local hour starts at :30
-- UTC: this tick then refreshes 30 minutes into it, still once per local hour.
SELECT pgfresh.schedule_job(
    'cron_dashboard_hourly',
    '0 * * * *',
    $$CALL pgfresh.refresh_materialized_views_each('cron_dashboard_hourly')$$
);
