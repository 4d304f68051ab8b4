-- pgfresh.job_runs: one row per refresh attempt of one view, scheduled or not.
-- A row is 'running' while the refresh runs (committed before it starts), then
-- 'success', 'failed' or 'skipped' (another refresh of the view held its lock), or
-- 'abandoned' when the session that ran it died. Kept for pgfresh.setting('job_runs_retention').
-- requires: setup/dashboard_reader.sql
CREATE TABLE pgfresh.job_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name text NOT NULL,
    source text NOT NULL,
    status text NOT NULL DEFAULT 'running',
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    duration interval GENERATED ALWAYS AS (finished_at - started_at) STORED,
    success boolean GENERATED ALWAYS AS (status = 'success') STORED,
    error_message text,
    sqlstate text,
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    backend_start timestamptz,
    queue_requests integer,
    CONSTRAINT job_runs_status_check CHECK (status IN ('running', 'success', 'failed', 'skipped', 'abandoned')),
    CONSTRAINT job_runs_finished_check CHECK ((status = 'running') = (finished_at IS NULL))
);

CREATE INDEX job_runs_view_name_started_at_idx ON pgfresh.job_runs (view_name, started_at DESC);
CREATE INDEX job_runs_started_at_idx ON pgfresh.job_runs (started_at);
CREATE INDEX job_runs_status_idx ON pgfresh.job_runs (status) WHERE status = 'running';

COMMENT ON TABLE pgfresh.job_runs IS
'Audit trail: one row per refresh attempt of one materialized view (scheduled, queued or manual).';
COMMENT ON COLUMN pgfresh.job_runs.source IS
'What asked for the refresh: a pg_cron job name (cron_dashboard_15min, ...), ''queue'', ''manual'', or ''migration'' (a revision built or populated the view).';
COMMENT ON COLUMN pgfresh.job_runs.status IS
'running, success, failed, skipped (another refresh of this view held its lock) or abandoned (its session died).';
COMMENT ON COLUMN pgfresh.job_runs.duration IS 'finished_at - started_at; NULL while running.';
COMMENT ON COLUMN pgfresh.job_runs.success IS 'status = ''success'' (the seed''s column).';
COMMENT ON COLUMN pgfresh.job_runs.sqlstate IS 'SQLSTATE of the error of a failed run.';
COMMENT ON COLUMN pgfresh.job_runs.queue_requests IS
'Queue requests this run deleted (satisfied) in its transaction; 0 when none were pending, NULL unless it succeeded.';
COMMENT ON COLUMN pgfresh.job_runs.backend_pid IS
'Backend that ran the refresh; with backend_start, tells a live run from an abandoned one.';

REVOKE ALL ON pgfresh.job_runs FROM public;

-- The dashboards show refresh history: the read-only role reads this table (and needs
-- USAGE on schema pgfresh to name it); every other pgfresh table stays owner-only.
GRANT USAGE ON SCHEMA pgfresh TO dashboard_reader;
GRANT SELECT ON pgfresh.job_runs TO dashboard_reader;
