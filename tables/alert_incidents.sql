-- pgfresh.alert_incidents: a view that failed more than three times in a row.
-- requires: tables/job_runs.sql
-- At most one open incident per view (partial unique index); the next successful
-- refresh sets resolved_at.
CREATE TABLE pgfresh.alert_incidents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    consecutive_failures integer NOT NULL,
    last_error text,
    last_sqlstate text,
    last_failed_run_id bigint REFERENCES pgfresh.job_runs (id) ON DELETE SET NULL,
    resolved_by_run_id bigint REFERENCES pgfresh.job_runs (id) ON DELETE SET NULL,
    CONSTRAINT alert_incidents_resolved_check CHECK (resolved_at IS NULL OR resolved_at >= opened_at)
);

CREATE UNIQUE INDEX alert_incidents_view_name_open_idx
ON pgfresh.alert_incidents (view_name) WHERE resolved_at IS NULL;
CREATE INDEX alert_incidents_opened_at_idx ON pgfresh.alert_incidents (opened_at);

COMMENT ON TABLE pgfresh.alert_incidents IS
'Refresh incidents: opened after more than three consecutive failures of a view, resolved by its next success.';
COMMENT ON COLUMN pgfresh.alert_incidents.consecutive_failures IS
'Failures in a row so far, updated while the incident is open.';

REVOKE ALL ON pgfresh.alert_incidents FROM public;
