-- pgfresh._managed_relations(): the relations of schema analytics the engine refreshes:
-- every materialized view (refreshed whole, REFRESH ... CONCURRENTLY), and every table that
-- has an incremental refresh function pgfresh._apply_<table>(boolean) (refreshed by the
-- keys its recorded changes touched, see functions/_apply_mv_equipment_utilization.sql).
-- The one place that says what a managed view is; read from the catalog, nothing listed.
CREATE FUNCTION pgfresh._managed_relations()
RETURNS TABLE (relid oid, view_name text, incremental boolean)
LANGUAGE sql
STABLE
-- A handful of rows: without it the planner assumes 1000, and the estimates of the
-- queries that join it (refresh_status_at) grow large enough to JIT-compile (2 s here).
ROWS 10
SET search_path = pg_catalog, pgfresh
AS $$
    SELECT
        c.oid AS relid,
        c.relname::text AS view_name,
        c.relkind = 'r' AS incremental
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE
        n.nspname = 'analytics'
        AND (
            c.relkind = 'm'
            OR (
                c.relkind = 'r'
                AND pg_catalog.to_regprocedure(
                    pg_catalog.format('pgfresh.%I(boolean)', '_apply_' || c.relname)
                ) IS NOT NULL
            )
        )
$$;

COMMENT ON FUNCTION pgfresh._managed_relations() IS
'Managed views: materialized views of schema analytics, and tables of analytics with an incremental refresh function pgfresh._apply_<name>(boolean) (incremental = true).';

REVOKE ALL ON FUNCTION pgfresh._managed_relations() FROM public;
