-- triggers equipment__record_{insert,update,delete,truncate} on public.equipment: record the
-- machines and days each change touches in pgfresh.source_changes
-- (pgfresh.tg_equipment__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.equipment to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.equipment a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_equipment__record_rows.sql, functions/tg_equipment__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER equipment__record_insert
AFTER INSERT ON public.equipment
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_rows();

CREATE TRIGGER equipment__record_update
AFTER UPDATE OF acquired_at, category, id, name, status
ON public.equipment
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_equipment__record_update();

CREATE TRIGGER equipment__record_delete
AFTER DELETE ON public.equipment
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_rows();

CREATE TRIGGER equipment__record_truncate
AFTER TRUNCATE ON public.equipment
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER equipment__record_insert ON public.equipment IS
'pgfresh: record the inserted machines in pgfresh.source_changes.';
COMMENT ON TRIGGER equipment__record_update ON public.equipment IS
'pgfresh: record an updated row of public.equipment when a column some view reads changed.';
COMMENT ON TRIGGER equipment__record_delete ON public.equipment IS
'pgfresh: record the deleted machines in pgfresh.source_changes.';
COMMENT ON TRIGGER equipment__record_truncate ON public.equipment IS
'pgfresh: record that everything in public.equipment changed.';
