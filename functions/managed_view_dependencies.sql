-- pgfresh.managed_view_dependencies(): which managed view reads which other managed view.
-- A managed view is a materialized view in schema analytics or an incremental table there
-- (pgfresh._managed_relations). Read from the catalog (the view's rewrite rule in
-- pg_rewrite and its pg_depend rows), following plain views in between, so a new view
-- that reads another is ordered without anyone listing it. (An incremental table reads
-- through its row function: it is ordered as reading no managed view.)
-- requires: functions/_managed_relations.sql
CREATE FUNCTION pgfresh.managed_view_dependencies()
RETURNS TABLE (view_name text, depends_on text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
    WITH RECURSIVE
    managed AS (
        SELECT
            r.relid AS oid,
            r.view_name
        FROM pgfresh._managed_relations() AS r
    ),

    reads AS (
        -- the query of relation `reader` (its _RETURN rule) reads relation `source`
        SELECT DISTINCT
            r.ev_class AS reader,
            d.refobjid AS source
        FROM pg_catalog.pg_rewrite AS r
        INNER JOIN pg_catalog.pg_depend AS d
            ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.oid = d.objid
        WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.refobjid <> r.ev_class
    ),

    reach (view_oid, rel_oid) AS (
        SELECT
            m.oid,
            rd.source
        FROM managed AS m
        INNER JOIN reads AS rd ON m.oid = rd.reader
        UNION
        -- through a plain view to what it reads
        SELECT
            re.view_oid,
            rd.source
        FROM reach AS re
        INNER JOIN pg_catalog.pg_class AS c ON re.rel_oid = c.oid AND c.relkind = 'v'
        INNER JOIN reads AS rd ON c.oid = rd.reader
    ),

    final AS (
        SELECT DISTINCT
            v.view_name,
            s.view_name AS depends_on
        FROM reach AS re
        INNER JOIN managed AS v ON re.view_oid = v.oid
        INNER JOIN managed AS s ON re.rel_oid = s.oid
    )

    SELECT f.view_name, f.depends_on FROM final AS f ORDER BY f.view_name, f.depends_on
$$;

COMMENT ON FUNCTION pgfresh.managed_view_dependencies() IS
'Edges between managed views (materialized views in analytics): view_name reads depends_on, directly or through plain views. From pg_rewrite/pg_depend.';

-- Internal to the engine (ordering, cascades); callers use pgfresh.managed_views().
REVOKE ALL ON FUNCTION pgfresh.managed_view_dependencies() FROM public;
