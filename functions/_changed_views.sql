-- pgfresh._changed_views(): the views with changes to take: a view pgfresh.view_sources
-- maps a source to, which has pgfresh.source_changes rows of that source committed since
-- the view's last take (pgfresh.change_marks), or no mark yet. What makes process_queue
-- refresh a view after a write (with the requests of pgfresh.refresh_queue).
-- requires: tables/source_changes.sql, tables/change_marks.sql, tables/view_sources.sql
-- Reads only: the change table holds what some view has not taken yet (a few rows between
-- refreshes), so this is a scan of a small table, cheap enough for every round of
-- pgfresh.serve_queue. Names that are not managed views are the caller's to filter.
CREATE FUNCTION pgfresh._changed_views()
RETURNS TABLE (view_name text)
LANGUAGE sql
STABLE
ROWS 10
SET search_path = pg_catalog, pgfresh
AS $$
    SELECT DISTINCT s.view_name
      FROM pgfresh.source_changes AS c
     INNER JOIN pgfresh.view_sources AS s ON c.source_table = s.source_table
      LEFT JOIN pgfresh.change_marks AS m ON s.view_name = m.view_name
     WHERE (s.update_columns IS NULL OR c.changed_columns IS NULL OR s.update_columns && c.changed_columns)
       AND (m.taken_through IS NULL OR NOT pg_catalog.pg_visible_in_snapshot(c.xid, m.taken_through))
$$;

COMMENT ON FUNCTION pgfresh._changed_views() IS
'Views (names from pgfresh.view_sources) with source changes committed since their last pgfresh._take_changes, or never taken.';

REVOKE ALL ON FUNCTION pgfresh._changed_views() FROM public;
