-- pgfresh.setting_defaults(): every setting pgfresh reads, with its default and meaning.
-- The README's settings table is checked against this function by the tests.
-- A value must parse like its default: an integer default takes integers, an interval
-- default takes intervals, an HH:MM default a local time of day
-- (pgfresh.tg_settings__validate checks it as it is written).
CREATE FUNCTION pgfresh.setting_defaults()
RETURNS TABLE (key text, default_value text, description text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('business_timezone', 'America/New_York',
         'IANA time zone of the business: days are bucketed and business hours read in it.'),
        ('business_hours_start', '06:00',
         'Local time (HH:MM, business_timezone) at which business hours begin: from then a policy''s business_hours_every applies.'),
        ('business_hours_end', '22:00',
         'Local time (HH:MM) at which business hours end; earlier than business_hours_start means they run past midnight.'),
        ('nightly_at', '02:00',
         'Local time (HH:MM) of the nightly cadence: once per local day, at the first instant the clock reads it or later.'),
        ('incident_after_failures', '3',
         'An incident opens when a view has failed more than this many times in a row.'),
        ('retry_backoff_base', '1 minute',
         'Wait before retrying a failed view after its first failure; doubles with each failure in a row.'),
        ('retry_backoff_max', '1 hour',
         'Longest wait between retries of a failing view (the cap of the doubling backoff).'),
        ('stale_grace', '5 minutes',
         'pgfresh.refresh_status: a scheduled view is stale once its current slot began more than this long ago with no successful refresh since.'),
        ('job_runs_retention', '30 days',
         'pgfresh.purge_history() deletes job_runs, cron.job_run_details and orphaned queue rows older than this.'),
        ('kpi_bookings_drop_pct', '50',
         'mv_dashboard_kpis alert bookings_drop: bookings created on a day are down by at least this many percent from the same weekday a week earlier.'),
        ('kpi_revenue_drop_pct', '50',
         'mv_dashboard_kpis alert revenue_drop: net revenue of a day is down by at least this many percent from the same weekday a week earlier.'),
        ('kpi_low_utilization_pct', '10',
         'mv_dashboard_kpis alert low_utilization: fleet utilization of a day (equipment_utilization hours used / hours available, in percent; 8 hours of use in a 24-hour day is 33) is below this.'),
        ('kpi_overdue_share_pct', '50',
         'mv_dashboard_kpis alert overdue_balance_high: the overdue part of the outstanding installments is above this percentage of them.'),
        ('kpi_insurance_overdue_count', '1',
         'mv_dashboard_kpis alert insurance_overdue: at least this many insurance documents are past their due day and still unreviewed.'),
        ('utilization_lookback_days', '400',
         'Days of history in analytics.mv_equipment_utilization (a row per machine per day), counted back from today.'),
        ('sla_first_response_hours_urgent', '1',
         'First-response SLA of an urgent support ticket, in hours after created_at (a response later than that is a breach).'),
        ('sla_first_response_hours_high', '4',
         'First-response SLA of a high-priority support ticket, in hours after created_at.'),
        ('sla_first_response_hours_normal', '24',
         'First-response SLA of a normal-priority support ticket, in hours after created_at.'),
        ('sla_first_response_hours_low', '72',
         'First-response SLA of a low-priority support ticket, in hours after created_at.'),
        ('insurance_overdue_grace_hours', '24',
         'A pending insurance document is overdue (alert, warning) once now() is more than this many hours past its due_at.'),
        ('insurance_overdue_critical_hours', '72',
         'An overdue insurance document is critical once now() is more than this many hours past its due_at.'),
        ('alert_low_utilization_window_days', '14',
         'Low-utilization alert: the window of local days (ending yesterday) over which a machine''s utilization is summed.'),
        ('alert_low_utilization_pct', '10',
         'Low-utilization alert (warning): utilization over the window below this percentage (100 * sum(hours_used) / sum(hours_available)).'),
        ('alert_low_utilization_critical_pct', '2',
         'Low-utilization alert is critical below this percentage.'),
        ('alert_low_utilization_history_days', '90',
         'Low-utilization alert: how far back the start of a run of low windows is looked for (its detected_at); a longer run is reported as starting then.'),
        ('alert_sla_breach_critical_factor', '2',
         'An SLA breach alert is critical once the ticket has waited this many times its SLA without a first response.'),
        ('queue_poll_interval', '2 seconds',
         'pgfresh.serve_queue (the queue job): how often it looks at the refresh queue; a change waits at most this long (plus the refresh) to be refreshed.'),
        ('queue_serve_for', '58 seconds',
         'pgfresh.serve_queue: how long one run of the queue job keeps serving the queue before it returns (pg_cron 1.4 starts it every minute).')
$$;

COMMENT ON FUNCTION pgfresh.setting_defaults() IS
'The settings pgfresh knows: key, default value (text) and what it means. Override one in pgfresh.settings.';

-- Engine-internal like every pgfresh function; nobody else needs the list.
REVOKE ALL ON FUNCTION pgfresh.setting_defaults() FROM public;
