-- triggers equipment__record_{insert,update,delete,truncate} on public.equipment: record the
-- machines each change touches for the views pgfresh.view_sources maps public.equipment to
-- (pgfresh.tg_equipment__record_rows, tg_equipment__record_update, tg__record_truncate). UPDATE per row, only when the statement sets a
-- column some view reads (UPDATE OF: every column of equipment a managed view reads; the
-- function records only columns whose value changed).
CREATE TRIGGER equipment__record_insert
AFTER INSERT ON public.equipment
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_rows();

CREATE TRIGGER equipment__record_update
AFTER UPDATE OF status, category, acquired_at, name, id
ON public.equipment
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_equipment__record_update();

CREATE TRIGGER equipment__record_delete
AFTER DELETE ON public.equipment
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_rows();

CREATE TRIGGER equipment__record_truncate
AFTER TRUNCATE ON public.equipment
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_truncate();

COMMENT ON TRIGGER equipment__record_insert ON public.equipment IS
'pgfresh: record the inserted machines for the views pgfresh.view_sources maps public.equipment to.';
COMMENT ON TRIGGER equipment__record_update ON public.equipment IS
'pgfresh: record an updated machine when a column some view reads changed.';
COMMENT ON TRIGGER equipment__record_delete ON public.equipment IS
'pgfresh: record the deleted machines.';
COMMENT ON TRIGGER equipment__record_truncate ON public.equipment IS
'pgfresh: record that every machine changed.';
