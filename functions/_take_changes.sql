-- pgfresh._take_changes(view): the changes a refresh of the view has to apply: the
-- pgfresh.source_changes rows of the sources pgfresh.view_sources maps the view to that
-- were committed since the view last took its changes; moves the view's mark
-- (pgfresh.change_marks) in the caller's transaction. Called by a refresh under the view's
-- advisory lock, before it reads any source.
-- requires: tables/source_changes.sql, tables/change_marks.sql, tables/view_sources.sql
-- requires: functions/_purge_taken_changes.sql
-- How "since" is exact without a lock: one statement reads the rows and the snapshot it
-- runs in (pg_current_snapshot()). A row is new to the view when its writing transaction
-- was not visible in the snapshot of the previous take: committed since, or still running
-- then (a writer older than that refresh). Transactions running now are invisible now and
-- still not visible in the new mark, so the next take returns them once they commit.
-- Nobody waits: the mark is one row per view (taken under the view's advisory lock), and
-- rows every mapped managed view has taken are deleted (pgfresh._purge_taken_changes).
-- Returns the rows themselves (pgfresh.source_changes: source_table, equipment_ids (NULL:
-- none known), first_day and last_day (local days; both NULL: every day), ...). No mark yet (first take after install
-- or upgrade: what changed before is unknown): one row with NULL keys (operation UNKNOWN),
-- meaning everything. A TRUNCATE or a settings change is a row with NULL keys too.
CREATE FUNCTION pgfresh._take_changes(p_view text)
RETURNS SETOF pgfresh.source_changes
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_mark pg_snapshot;
BEGIN
    SELECT m.taken_through INTO v_mark FROM pgfresh.change_marks AS m WHERE m.view_name = p_view;

    RETURN QUERY
    WITH
    mark AS (
        INSERT INTO pgfresh.change_marks AS m (view_name, taken_through)
        VALUES (p_view, pg_catalog.pg_current_snapshot())
        ON CONFLICT ON CONSTRAINT change_marks_pkey
        DO UPDATE SET taken_through = excluded.taken_through, taken_at = excluded.taken_at
    )
    SELECT c.*
      FROM pgfresh.source_changes AS c
     INNER JOIN pgfresh.view_sources AS s ON c.source_table = s.source_table
     WHERE s.view_name = p_view
       AND (s.update_columns IS NULL OR c.changed_columns IS NULL OR s.update_columns && c.changed_columns)
       AND v_mark IS NOT NULL
       AND NOT pg_catalog.pg_visible_in_snapshot(c.xid, v_mark)
    UNION ALL
    SELECT NULL, NULL, 'UNKNOWN', NULL, NULL, NULL, NULL, NULL, NULL
     WHERE v_mark IS NULL;

    PERFORM pgfresh._purge_taken_changes();
END
$$;

COMMENT ON FUNCTION pgfresh._take_changes(text) IS
'The source changes (pgfresh.source_changes) of the view''s sources (pgfresh.view_sources) committed since its previous take, one row each (all-NULL keys: everything); moves the view''s mark (pgfresh.change_marks) in the current transaction and deletes rows every mapped view has taken.';

-- Called by the refresh functions (owner); nobody else.
REVOKE ALL ON FUNCTION pgfresh._take_changes(text) FROM public;
