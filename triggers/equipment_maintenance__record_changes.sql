-- triggers equipment_maintenance__record_{insert,update,delete,truncate} on
-- public.equipment_maintenance: record the machines and days each change touches for the
-- views pgfresh.view_sources maps the table to (pgfresh.tg_equipment_maintenance__record_changes).
-- UPDATE per row, when any column changes (the mapping's update_columns are NULL: any change).
CREATE TRIGGER equipment_maintenance__record_insert
AFTER INSERT ON public.equipment_maintenance
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_changes();

CREATE TRIGGER equipment_maintenance__record_update
AFTER UPDATE ON public.equipment_maintenance
FOR EACH ROW
WHEN (old.* IS DISTINCT FROM new.*)
EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_changes();

CREATE TRIGGER equipment_maintenance__record_delete
AFTER DELETE ON public.equipment_maintenance
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_changes();

CREATE TRIGGER equipment_maintenance__record_truncate
AFTER TRUNCATE ON public.equipment_maintenance
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_maintenance__record_changes();

COMMENT ON TRIGGER equipment_maintenance__record_insert ON public.equipment_maintenance IS
'pgfresh: record the machines and days of the inserted jobs for the views pgfresh.view_sources maps the table to.';
COMMENT ON TRIGGER equipment_maintenance__record_update ON public.equipment_maintenance IS
'pgfresh: record an updated job''s machines and days.';
COMMENT ON TRIGGER equipment_maintenance__record_delete ON public.equipment_maintenance IS
'pgfresh: record the machines and days of the deleted jobs.';
COMMENT ON TRIGGER equipment_maintenance__record_truncate ON public.equipment_maintenance IS
'pgfresh: record that every machine and day changed.';
