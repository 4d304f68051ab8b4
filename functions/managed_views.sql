-- pgfresh.managed_views(): every managed view (a materialized view in schema analytics, or an
-- incremental table there: pgfresh._managed_relations)
-- with its place in dependency order: a view comes after every managed view it reads.
-- requires: functions/managed_view_dependencies.sql, functions/_managed_relations.sql
-- Every view name that comes from outside (refresh_view, request_refresh, ...) is
-- resolved against this list first; nothing is hand-listed.
CREATE FUNCTION pgfresh.managed_views()
RETURNS TABLE (view_name text, refresh_order integer)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
    WITH RECURSIVE
    managed AS (
        SELECT r.view_name
        FROM pgfresh._managed_relations() AS r
    ),

    dependencies AS (
        SELECT
            d.view_name,
            d.depends_on
        FROM pgfresh.managed_view_dependencies() AS d
    ),

    levels (view_name, level) AS (
        SELECT
            m.view_name,
            0
        FROM managed AS m
        UNION
        -- one level deeper than each view it reads: the longest path decides
        SELECT
            d.view_name,
            l.level + 1
        FROM levels AS l
        INNER JOIN dependencies AS d ON l.view_name = d.depends_on
    ),

    final AS (
        SELECT
            l.view_name,
            (row_number() OVER (ORDER BY max(l.level), l.view_name))::integer AS refresh_order
        FROM levels AS l
        GROUP BY l.view_name
    )

    SELECT f.view_name, f.refresh_order FROM final AS f ORDER BY f.refresh_order
$$;

COMMENT ON FUNCTION pgfresh.managed_views() IS
'The managed views (materialized views and incremental tables in schema analytics) in refresh order 1..n: each after the managed views it reads (catalog dependencies), ties by name.';

-- Internal to the engine and to the owner's tools; readers list views from the catalog.
REVOKE ALL ON FUNCTION pgfresh.managed_views() FROM public;
