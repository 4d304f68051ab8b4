-- triggers equipment__record_{insert,update,delete,truncate} on public.equipment: record the
-- machines each change touches for the views pgfresh.view_sources maps public.equipment to
-- (pgfresh.tg_equipment__record_changes). UPDATE per row, only when a column some view
-- reads changes (the WHEN list: every column of equipment a managed view reads).
CREATE TRIGGER equipment__record_insert
AFTER INSERT ON public.equipment
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_changes();

CREATE TRIGGER equipment__record_update
AFTER UPDATE ON public.equipment
FOR EACH ROW
WHEN (
    old.status IS DISTINCT FROM new.status
    OR old.category IS DISTINCT FROM new.category
    OR old.acquired_at IS DISTINCT FROM new.acquired_at
    OR old.name IS DISTINCT FROM new.name
    OR old.id IS DISTINCT FROM new.id
)
EXECUTE FUNCTION pgfresh.tg_equipment__record_changes();

CREATE TRIGGER equipment__record_delete
AFTER DELETE ON public.equipment
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_changes();

CREATE TRIGGER equipment__record_truncate
AFTER TRUNCATE ON public.equipment
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_changes();

COMMENT ON TRIGGER equipment__record_insert ON public.equipment IS
'pgfresh: record the inserted machines for the views pgfresh.view_sources maps public.equipment to.';
COMMENT ON TRIGGER equipment__record_update ON public.equipment IS
'pgfresh: record an updated machine when a column some view reads changed.';
COMMENT ON TRIGGER equipment__record_delete ON public.equipment IS
'pgfresh: record the deleted machines.';
COMMENT ON TRIGGER equipment__record_truncate ON public.equipment IS
'pgfresh: record that every machine changed.';
