-- pg_cron job cron_dashboard_5min: every 5 minutes (UTC), refreshes the due views whose
-- policy names this job (seed: mv_support_sla, mv_alert_candidates).
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/run_due.sql
SELECT pgfresh.schedule_job(
    'cron_dashboard_5min',
    '*/5 * * * *',
    $$CALL pgfresh.run_due(p_job => 'cron_dashboard_5min')$$
);
