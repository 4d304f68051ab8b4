-- pgfresh.change_marks: per view, the snapshot in which it last took its changes
-- (pgfresh._take_changes): every pgfresh.source_changes row whose transaction is visible
-- in that snapshot has been taken by the view; the others are new to it.
-- Written only by refreshes (one row per view, under the view's advisory lock), in the
-- refresh's transaction: a failed refresh leaves the mark where it was. No row: the view
-- has not taken changes since pgfresh was installed or upgraded, so what changed before is
-- unknown and its first take says "everything".
CREATE TABLE pgfresh.change_marks (
    view_name text PRIMARY KEY,
    taken_through pg_snapshot NOT NULL,
    taken_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE pgfresh.change_marks IS
'Per managed view, the snapshot of its last pgfresh._take_changes: the source_changes rows of transactions visible in it are taken.';
COMMENT ON COLUMN pgfresh.change_marks.taken_through IS
'pg_current_snapshot() of the statement that last took the view''s changes.';

REVOKE ALL ON pgfresh.change_marks FROM public;
