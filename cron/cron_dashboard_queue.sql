-- pg_cron job cron_dashboard_queue: the queue server (event-driven refreshes). Every
-- minute (UTC) pg_cron starts pgfresh.serve_queue, which serves the refresh queue every
-- queue_poll_interval (2 s) for queue_serve_for (58 s) and returns: a change waits
-- seconds, not the next tick. The same on pg_cron 1.4 (minute ticks only) and 1.5+
-- (where a seconds schedule would open a connection and write a cron.job_run_details
-- row per run: 43,200 a day at 2 s). See docs/latency.md.
-- requires: functions/schedule_job.sql, functions/unschedule_job.sql, functions/serve_queue.sql
SELECT pgfresh.schedule_job(
    'cron_dashboard_queue',
    '* * * * *',
    $$CALL pgfresh.serve_queue()$$
);
