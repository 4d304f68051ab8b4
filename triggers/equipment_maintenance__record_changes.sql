-- triggers equipment_maintenance__record_{insert,update,delete,truncate} on
-- public.equipment_maintenance: record the machines and days each change touches for the
-- views pgfresh.view_sources maps the table to (pgfresh.tg_equipment_maintenance__record_rows, tg_equipment_maintenance__record_update, tg__record_truncate).
-- UPDATE per row, only when the statement sets a column some view reads (UPDATE OF).
CREATE TRIGGER equipment_maintenance__record_insert
AFTER INSERT ON public.equipment_maintenance
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_rows();

CREATE TRIGGER equipment_maintenance__record_update
AFTER UPDATE OF status, equipment_id, started_at, completed_at, next_due_at, id
ON public.equipment_maintenance
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_update();

CREATE TRIGGER equipment_maintenance__record_delete
AFTER DELETE ON public.equipment_maintenance
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_rows();

CREATE TRIGGER equipment_maintenance__record_truncate
AFTER TRUNCATE ON public.equipment_maintenance
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_truncate();

COMMENT ON TRIGGER equipment_maintenance__record_insert ON public.equipment_maintenance IS
'pgfresh: record the machines and days of the inserted jobs for the views pgfresh.view_sources maps the table to.';
COMMENT ON TRIGGER equipment_maintenance__record_update ON public.equipment_maintenance IS
'pgfresh: record an updated job''s machines and days.';
COMMENT ON TRIGGER equipment_maintenance__record_delete ON public.equipment_maintenance IS
'pgfresh: record the machines and days of the deleted jobs.';
COMMENT ON TRIGGER equipment_maintenance__record_truncate ON public.equipment_maintenance IS
'pgfresh: record that every machine and day changed.';
