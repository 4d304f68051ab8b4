-- pgfresh.setting_defaults(): every setting pgfresh reads, with its default and meaning.
-- The README's settings table is checked against this function by the tests.
CREATE FUNCTION pgfresh.setting_defaults()
RETURNS TABLE (key text, default_value text, description text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('business_timezone', 'America/New_York',
         'IANA time zone of the business: days are bucketed and business hours read in it.'),
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
