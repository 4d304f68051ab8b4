-- pgfresh.refresh_policies: when the schedules refresh a materialized view, one row per view.
-- The seed's cadences (section 2) as data. An operator changes a cadence, or pauses a
-- view, with an UPDATE (no migration); trigger refresh_policies__validate refuses an
-- invalid one (SQLSTATE PF303). pgfresh.run_due ignores rows of views that do not exist.
-- Slots are read in local time (settings business_timezone, business_hours_start/_end,
-- nightly_at) by pgfresh.schedule_slot; the README explains them.
CREATE TABLE pgfresh.refresh_policies (
    view_name text PRIMARY KEY,
    cadence text NOT NULL,
    refresh_every interval,
    business_hours_every interval,
    cron_job text NOT NULL,
    business_hours_cron_job text,
    paused boolean NOT NULL DEFAULT FALSE,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);

INSERT INTO pgfresh.refresh_policies (
    view_name, cadence, refresh_every, business_hours_every, cron_job, business_hours_cron_job
)
VALUES
('mv_dashboard_kpis', 'every', '1 hour', '15 minutes', 'cron_dashboard_hourly', 'cron_dashboard_15min'),
('mv_revenue_trends', 'every', '1 hour', NULL, 'cron_dashboard_hourly', NULL),
('mv_booking_trends', 'every', '1 hour', NULL, 'cron_dashboard_hourly', NULL),
('mv_equipment_utilization', 'every', '1 hour', NULL, 'cron_dashboard_hourly', NULL),
('mv_customer_cohorts', 'nightly', NULL, NULL, 'cron_dashboard_nightly', NULL),
('mv_support_sla', 'every', '5 minutes', NULL, 'cron_dashboard_5min', NULL),
('mv_financial_summary', 'every', '1 hour', NULL, 'cron_dashboard_hourly', NULL),
('mv_alert_candidates', 'every', '5 minutes', NULL, 'cron_dashboard_5min', NULL);

COMMENT ON TABLE pgfresh.refresh_policies IS
'Refresh cadence of each materialized view of schema analytics (pgfresh.run_due reads it); change a row with an UPDATE, no migration.';
COMMENT ON COLUMN pgfresh.refresh_policies.view_name IS
'Materialized view in schema analytics, without the schema (mv_dashboard_kpis). A row for a view that does not exist is ignored.';
COMMENT ON COLUMN pgfresh.refresh_policies.cadence IS
'every: one refresh per slot of refresh_every (business_hours_every during business hours); nightly: once per local day at setting nightly_at.';
COMMENT ON COLUMN pgfresh.refresh_policies.refresh_every IS
'Slot length of cadence every, outside business hours or all day (whole minutes, from 1 minute to 1 day, dividing a day); NULL for nightly.';
COMMENT ON COLUMN pgfresh.refresh_policies.business_hours_every IS
'Slot length during business hours (settings business_hours_start/_end, local); NULL: refresh_every all day.';
COMMENT ON COLUMN pgfresh.refresh_policies.cron_job IS
'The pg_cron job that refreshes the view (the job_runs source), outside business hours or all day. It must tick at least once per slot.';
COMMENT ON COLUMN pgfresh.refresh_policies.business_hours_cron_job IS
'The pg_cron job that refreshes the view during business hours; set exactly when business_hours_every is.';
COMMENT ON COLUMN pgfresh.refresh_policies.paused IS
'true: the schedules skip the view (pgfresh.pause_schedule); queued and manual refreshes still run.';

-- The migration role and the pg_cron jobs (which run as that role) read and change it;
-- operators are granted what they need by the DBA.
REVOKE ALL ON pgfresh.refresh_policies FROM public;
