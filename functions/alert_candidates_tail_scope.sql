-- pgfresh.alert_candidates_tail_scope(): which low_utilization rows of
-- analytics.mv_alert_candidates analytics.alert_candidates_live recomputes live:
-- every machine (all_machines) or the machines listed.
-- requires: tables/view_as_of.sql, tables/tail_changes.sql, functions/setting.sql
-- Every machine when the view was never refreshed by the engine, when the local day has
-- changed since its as-of instant (the window ends yesterday), or after a settings change
-- or a TRUNCATE; else the machines whose equipment row or past telemetry changed since
-- (pgfresh.tail_changes). The other two alert types are always computed live: they are
-- the few open tickets and pending documents, found through their status indexes.
-- plpgsql, so that its plan is cached per session (a SQL function is planned at every
-- call). SECURITY DEFINER and STABLE: the dashboards' role reads through it, in its query's snapshot.
CREATE FUNCTION pgfresh.alert_candidates_tail_scope()
RETURNS TABLE (all_machines boolean, machines uuid[])
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN QUERY
    WITH
    settings AS (
        SELECT pgfresh.setting('business_timezone') AS tz
    ),

    as_of AS (
        SELECT v.as_of FROM pgfresh.view_as_of AS v WHERE v.view_name = 'mv_alert_candidates'
    ),

    changes AS (
        SELECT
            coalesce(bool_or(c.entity_id IS NULL), FALSE) AS everything,
            coalesce(array_agg(DISTINCT c.entity_id) FILTER (WHERE c.entity_id IS NOT NULL), '{}') AS machines
        FROM pgfresh.tail_changes AS c
        WHERE c.view_name = 'mv_alert_candidates'
    )

    SELECT
        c.everything
        OR (SELECT a.as_of FROM as_of AS a) IS NULL
        OR ((SELECT a.as_of FROM as_of AS a) AT TIME ZONE s.tz)::date <> (now() AT TIME ZONE s.tz)::date
        AS all_machines,
        c.machines
    FROM settings AS s
    CROSS JOIN changes AS c;
END
$$;

COMMENT ON FUNCTION pgfresh.alert_candidates_tail_scope() IS
'Which machines analytics.alert_candidates_live recomputes for low_utilization: all_machines (never refreshed by the engine, local day changed since, settings changed) or the machines changed since the last refresh (pgfresh.tail_changes).';

-- The dashboards read analytics.alert_candidates_live, which calls it.
REVOKE ALL ON FUNCTION pgfresh.alert_candidates_tail_scope() FROM public;
GRANT EXECUTE ON FUNCTION pgfresh.alert_candidates_tail_scope() TO dashboard_reader;
