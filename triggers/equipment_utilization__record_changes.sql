-- triggers equipment_utilization__record_{insert,update,delete,truncate} on
-- public.equipment_utilization: record the machines and days each telemetry change
-- touches (pgfresh.tg_equipment_utilization__record_rows, tg_equipment_utilization__record_update, tg__record_truncate). UPDATE per row, only when
-- the statement sets a column some view reads (UPDATE OF; recorded_at is read by none).
CREATE TRIGGER equipment_utilization__record_insert
AFTER INSERT ON public.equipment_utilization
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_rows();

CREATE TRIGGER equipment_utilization__record_update
AFTER UPDATE OF hours_used, hours_available, usage_date, equipment_id
ON public.equipment_utilization
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_update();

CREATE TRIGGER equipment_utilization__record_delete
AFTER DELETE ON public.equipment_utilization
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_rows();

CREATE TRIGGER equipment_utilization__record_truncate
AFTER TRUNCATE ON public.equipment_utilization
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_truncate();

COMMENT ON TRIGGER equipment_utilization__record_insert ON public.equipment_utilization IS
'pgfresh: record the machines and days of the inserted telemetry rows.';
COMMENT ON TRIGGER equipment_utilization__record_update ON public.equipment_utilization IS
'pgfresh: record an updated telemetry row''s machines and days when a column some view reads changed.';
COMMENT ON TRIGGER equipment_utilization__record_delete ON public.equipment_utilization IS
'pgfresh: record the machines and days of the deleted telemetry rows.';
COMMENT ON TRIGGER equipment_utilization__record_truncate ON public.equipment_utilization IS
'pgfresh: record that every machine and day changed.';
