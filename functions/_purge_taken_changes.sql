-- pgfresh._purge_taken_changes(): deletes the pgfresh.source_changes rows no view needs any
-- more: every managed view pgfresh.view_sources maps their source to has taken them (its
-- mark in pgfresh.change_marks shows the writing transaction), or no managed view reads
-- their source. Returns how many. Called by every pgfresh._take_changes and by
-- pgfresh.purge_history.
-- requires: tables/source_changes.sql, tables/change_marks.sql, tables/view_sources.sql
-- requires: functions/_managed_relations.sql
-- SKIP LOCKED: two refreshes of different views purging at once never wait on each other
-- (a row one of them is deleting is left to the next purge). The marks read are the
-- committed ones, plus the caller's own: a row the caller's uncommitted take covers goes
-- only if the caller commits.
CREATE FUNCTION pgfresh._purge_taken_changes()
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM pgfresh.source_changes AS c
     WHERE c.id = ANY (ARRAY(
        SELECT d.id
          FROM pgfresh.source_changes AS d
         WHERE NOT EXISTS (
                SELECT
                  FROM pgfresh.view_sources AS s
                 INNER JOIN pgfresh._managed_relations() AS r ON s.view_name = r.view_name
                  LEFT JOIN pgfresh.change_marks AS m ON s.view_name = m.view_name
                 WHERE s.source_table = d.source_table
                   AND (s.update_columns IS NULL OR d.changed_columns IS NULL OR s.update_columns && d.changed_columns)
                   AND (m.taken_through IS NULL OR NOT pg_catalog.pg_visible_in_snapshot(d.xid, m.taken_through))
               )
           FOR UPDATE SKIP LOCKED
     ));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION pgfresh._purge_taken_changes() IS
'Deletes the source_changes rows every managed view mapped to their source has taken (or that no managed view reads); returns how many.';

REVOKE ALL ON FUNCTION pgfresh._purge_taken_changes() FROM public;
