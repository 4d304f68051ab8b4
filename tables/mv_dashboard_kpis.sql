-- analytics.mv_dashboard_kpis: one row per local calendar day (business time zone) with
-- the admin dashboard's headline numbers in one JSONB bundle (bookings, revenue,
-- utilization, active customers, outstanding and overdue balances, overdue insurance),
-- each with day-over-day and week-over-week growth, and the alert flags they raise
-- against thresholds read from pgfresh settings. Refreshed every 15 minutes in business
-- hours, hourly otherwise.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, tables/view_sources.sql
-- An incremental managed relation: a table, not a materialized view, kept by
-- pgfresh._apply_mv_dashboard_kpis from the row definition in views/mv_dashboard_kpis.sql
-- (pgfresh.mv_dashboard_kpis_rows). INCREMENTAL KEY: snapshot_date. A refresh rewrites
-- only the days the recorded changes dirty (a day's counts: that day and the growth of
-- the next day and week; a carried-forward balance: that day onward) and the days that
-- entered or left the calendar, in one transaction: readers never wait and never see a
-- half-applied refresh (MVCC). Same name, columns and unique key as the materialized
-- view it replaces.
CREATE TABLE analytics.mv_dashboard_kpis (
    snapshot_date date NOT NULL,
    metrics jsonb NOT NULL,
    alerts jsonb NOT NULL,
    CONSTRAINT mv_dashboard_kpis_pkey PRIMARY KEY (snapshot_date)
);

-- Days with a given alert: WHERE alerts @> '{"low_utilization": true}'.
CREATE INDEX mv_dashboard_kpis_alerts_idx
ON analytics.mv_dashboard_kpis USING gin (alerts);

COMMENT ON TABLE analytics.mv_dashboard_kpis IS
'One row per local day (pgfresh.setting(''business_timezone'')), from the first day of any source event (or today) to today (or the last booking, payment or utilization day): the dashboard KPIs of that day with day-over-day and week-over-week growth (metrics) and the alert flags they raise (alerts). Today''s row is as of the refresh. Incremental: rows are computed by pgfresh.mv_dashboard_kpis_rows and refreshed per day by pgfresh.refresh_view.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.snapshot_date IS
'Local day of the business time zone.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.metrics IS
'contracts/mv_dashboard_kpis.metrics.schema.json. Keys bookings (bookings created that local day, any status), revenue (succeeded deposit + balance payments minus succeeded refunds, by the local day of paid_at; may be negative), utilization (100 * hours_used / hours_available over equipment_utilization rows of that day, 2 decimals; null without rows), active_customers (distinct customers with a confirmed, active or completed booking whose [start_at, end_at) overlaps the local day), outstanding_balances (amount_due of installments not cancelled, created by the end of the day and not paid by then), overdue_balances (the part of it whose due day is before that day), insurance_overdue (insurance documents submitted by the end of the day, not reviewed by then (reviewed_at; one with status expired and no reviewed_at counts as reviewed when submitted), whose due day is before that day). Each is {"value", "dod_change", "dod_pct", "wow_change", "wow_pct"}: change = value - value of the day before (a week before), pct = round(100 * change / |previous|, 2); null when a value is null or the previous day is outside the view, pct also when the previous value is 0.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.alerts IS
'contracts/mv_dashboard_kpis.alerts.schema.json: booleans, all keys always present. bookings_drop: bookings wow_pct <= -kpi_bookings_drop_pct. revenue_drop: revenue wow_pct <= -kpi_revenue_drop_pct (previous revenue not 0). low_utilization: utilization < kpi_low_utilization_pct. overdue_balance_high: overdue_balances > kpi_overdue_share_pct percent of outstanding_balances. insurance_overdue: insurance_overdue >= kpi_insurance_overdue_count. Growth and shares are compared unrounded, utilization as its 2-decimal value; a flag is false when a value it needs is missing.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics). Only the owner writes.
GRANT SELECT ON analytics.mv_dashboard_kpis TO dashboard_reader;

-- Which changes feed it (data, like the seed rows of tables/view_sources.sql): every
-- source it reads, and the settings it reads (pgfresh.settings: business_timezone and the
-- kpi_* thresholds; any other key, an engine knob, rebuilds nothing).
-- In each table every column it reads: bookings user_id, status, start_at, end_at,
-- created_at; payments kind, status, amount, paid_at; equipment_utilization usage_date,
-- hours_used, hours_available; payment_schedules status, amount_due, created_at,
-- due_at, paid_at; insurance_documents status, submitted_at, due_at, reviewed_at.
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.bookings', 'mv_dashboard_kpis', '{user_id,status,start_at,end_at,created_at}'),
('public.payments', 'mv_dashboard_kpis', '{kind,status,amount,paid_at}'),
('public.equipment_utilization', 'mv_dashboard_kpis', '{usage_date,hours_used,hours_available}'),
('public.payment_schedules', 'mv_dashboard_kpis', '{status,amount_due,created_at,due_at,paid_at}'),
('public.insurance_documents', 'mv_dashboard_kpis', '{status,submitted_at,due_at,reviewed_at}'),
(
    'pgfresh.settings', 'mv_dashboard_kpis',
    '{business_timezone,kpi_bookings_drop_pct,kpi_revenue_drop_pct,kpi_low_utilization_pct,kpi_overdue_share_pct,kpi_insurance_overdue_count}'
)
ON CONFLICT (source_table, view_name) DO NOTHING;
