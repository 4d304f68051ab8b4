-- triggers equipment_utilization__record_{insert,update,delete,truncate} on
-- public.equipment_utilization: record the machines and days each telemetry change
-- touches (pgfresh.tg_equipment_utilization__record_changes). UPDATE per row, only when
-- a column some view reads changes (recorded_at is read by none).
CREATE TRIGGER equipment_utilization__record_insert
AFTER INSERT ON public.equipment_utilization
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_changes();

CREATE TRIGGER equipment_utilization__record_update
AFTER UPDATE ON public.equipment_utilization
FOR EACH ROW
WHEN (
    old.hours_used IS DISTINCT FROM new.hours_used
    OR old.hours_available IS DISTINCT FROM new.hours_available
    OR old.usage_date IS DISTINCT FROM new.usage_date
    OR old.equipment_id IS DISTINCT FROM new.equipment_id
)
EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_changes();

CREATE TRIGGER equipment_utilization__record_delete
AFTER DELETE ON public.equipment_utilization
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_changes();

CREATE TRIGGER equipment_utilization__record_truncate
AFTER TRUNCATE ON public.equipment_utilization
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment_utilization__record_changes();

COMMENT ON TRIGGER equipment_utilization__record_insert ON public.equipment_utilization IS
'pgfresh: record the machines and days of the inserted telemetry rows.';
COMMENT ON TRIGGER equipment_utilization__record_update ON public.equipment_utilization IS
'pgfresh: record an updated telemetry row''s machines and days when a column some view reads changed.';
COMMENT ON TRIGGER equipment_utilization__record_delete ON public.equipment_utilization IS
'pgfresh: record the machines and days of the deleted telemetry rows.';
COMMENT ON TRIGGER equipment_utilization__record_truncate ON public.equipment_utilization IS
'pgfresh: record that every machine and day changed.';
