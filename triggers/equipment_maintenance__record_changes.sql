-- triggers equipment_maintenance__record_{insert,update,delete,truncate} on public.equipment_maintenance: record the
-- machines and days each change touches in pgfresh.source_changes
-- (pgfresh.tg_equipment_maintenance__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.equipment_maintenance to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.equipment_maintenance a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_equipment_maintenance__record_rows.sql, functions/tg_equipment_maintenance__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER equipment_maintenance__record_insert
AFTER INSERT ON public.equipment_maintenance
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_rows();

CREATE TRIGGER equipment_maintenance__record_update
AFTER UPDATE OF completed_at, equipment_id, id, next_due_at, started_at, status
ON public.equipment_maintenance
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_update();

CREATE TRIGGER equipment_maintenance__record_delete
AFTER DELETE ON public.equipment_maintenance
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_rows();

CREATE TRIGGER equipment_maintenance__record_truncate
AFTER TRUNCATE ON public.equipment_maintenance
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER equipment_maintenance__record_insert ON public.equipment_maintenance IS
'pgfresh: record the inserted maintenance jobs in pgfresh.source_changes.';
COMMENT ON TRIGGER equipment_maintenance__record_update ON public.equipment_maintenance IS
'pgfresh: record an updated row of public.equipment_maintenance when a column some view reads changed.';
COMMENT ON TRIGGER equipment_maintenance__record_delete ON public.equipment_maintenance IS
'pgfresh: record the deleted maintenance jobs in pgfresh.source_changes.';
COMMENT ON TRIGGER equipment_maintenance__record_truncate ON public.equipment_maintenance IS
'pgfresh: record that everything in public.equipment_maintenance changed.';
