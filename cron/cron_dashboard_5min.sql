-- pg_cron job cron_dashboard_5min: every 5 minutes (UTC), refreshes the due views whose
-- policy names this job (seed: mv_support_sla, mv_alert_candidates).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/refresh_materialized_views_each.sql
SELECT pgfresh.schedule_job(
    'cron_dashboard_5min',
    '*/5 * * * *',
    $$CALL pgfresh.refresh_materialized_views_each('cron_dashboard_5min')$$
);
