-- pgfresh.refresh_status: the freshness of every managed view now, one row per
-- materialized view of schema analytics (pgfresh.refresh_status_at(now())).
-- requires: functions/refresh_status_at.sql
-- What `pgfresh status`, the Prometheus exporter's queries, the Grafana dashboard and
-- the HTML report read; docs/monitoring.md explains each column.
CREATE VIEW pgfresh.refresh_status AS
SELECT
    s.view_name,
    s.cadence,
    s.paused,
    s.business_hours,
    s.expected_interval,
    s.slot_start,
    s.last_success_at,
    s.last_success_duration,
    s.age,
    s.is_stale,
    s.last_attempt_at,
    s.last_status,
    s.last_error,
    s.consecutive_failures,
    s.incident_id,
    s.incident_opened_at,
    s.queue_pending,
    s.queue_oldest_age,
    s.runs_last_day,
    s.failures_last_day,
    s.duration_mean,
    s.duration_p95,
    s.row_estimate,
    s.total_bytes,
    s.business_timezone
FROM pgfresh.refresh_status_at(now()) AS s;

COMMENT ON VIEW pgfresh.refresh_status IS
'Freshness of every managed view now: last success and attempt, age, expected interval, is_stale, failures in a row, open incident, queue, durations over the last day, size. See pgfresh.refresh_status_at.';

-- The dashboards' read-only role reads it (and EXECUTE on refresh_status_at, granted there).
REVOKE ALL ON pgfresh.refresh_status FROM public;
GRANT SELECT ON pgfresh.refresh_status TO dashboard_reader;
