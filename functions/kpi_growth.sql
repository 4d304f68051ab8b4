-- pgfresh.kpi_growth(value, prev_day, prev_week): one metric of analytics.mv_dashboard_kpis
-- with its day-over-day and week-over-week growth, as the JSON object the dashboard reads
-- (contracts/mv_dashboard_kpis.metrics.schema.json).
CREATE FUNCTION pgfresh.kpi_growth(p_value numeric, p_prev_day numeric, p_prev_week numeric)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'value', p_value,
        'dod_change', p_value - p_prev_day,
        'dod_pct', pg_catalog.round(100 * (p_value - p_prev_day) / nullif(pg_catalog.abs(p_prev_day), 0), 2),
        'wow_change', p_value - p_prev_week,
        'wow_pct', pg_catalog.round(100 * (p_value - p_prev_week) / nullif(pg_catalog.abs(p_prev_week), 0), 2)
    )
$$;

COMMENT ON FUNCTION pgfresh.kpi_growth(numeric, numeric, numeric) IS
'{"value", "dod_change", "dod_pct", "wow_change", "wow_pct"} of a KPI: change = value - previous value, pct = round(100 * change / |previous|, 2); NULL (JSON null) when the value or previous value is NULL, pct also when the previous value is 0.';

-- Only the refresh (run by the view owner) needs it.
REVOKE ALL ON FUNCTION pgfresh.kpi_growth(numeric, numeric, numeric) FROM public;
