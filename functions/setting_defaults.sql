-- pgfresh.setting_defaults(): every setting pgfresh reads, with its default and meaning.
-- The README's settings table is checked against this function by the tests.
-- A value must parse like its default: an integer default takes integers, an interval
-- default takes intervals (pgfresh.tg_settings__validate checks it as it is written).
CREATE FUNCTION pgfresh.setting_defaults()
RETURNS TABLE (key text, default_value text, description text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('business_timezone', 'America/New_York',
         'IANA time zone of the business: days are bucketed and business hours read in it.'),
        ('incident_after_failures', '3',
         'An incident opens when a view has failed more than this many times in a row.'),
        ('retry_backoff_base', '1 minute',
         'Wait before retrying a failed view after its first failure; doubles with each failure in a row.'),
        ('retry_backoff_max', '1 hour',
         'Longest wait between retries of a failing view (the cap of the doubling backoff).'),
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
         'mv_dashboard_kpis alert insurance_overdue: at least this many insurance documents are past their due day and still unreviewed.')
$$;

COMMENT ON FUNCTION pgfresh.setting_defaults() IS
'The settings pgfresh knows: key, default value (text) and what it means. Override one in pgfresh.settings.';

-- Engine-internal like every pgfresh function; nobody else needs the list.
REVOKE ALL ON FUNCTION pgfresh.setting_defaults() FROM public;
