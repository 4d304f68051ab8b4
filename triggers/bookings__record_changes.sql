-- triggers bookings__record_{insert,update,delete,truncate} on public.bookings: record the
-- machines and days each change touches for the views pgfresh.view_sources maps
-- public.bookings to (pgfresh.tg_bookings__record_changes).
-- INSERT and DELETE per statement with transition tables (a batch pays one call);
-- UPDATE per row, only when a column some view reads changes: the WHEN clause is evaluated
-- in C before any function is called, so an update of updated_at, deposit_amount or
-- currency (read by no view) costs nothing. The list is every column of bookings that a
-- managed view reads (pg_depend; tests/test_incremental.py keeps it in step).
CREATE TRIGGER bookings__record_insert
AFTER INSERT ON public.bookings
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_changes();

CREATE TRIGGER bookings__record_update
AFTER UPDATE ON public.bookings
FOR EACH ROW
WHEN (
    old.status IS DISTINCT FROM new.status
    OR old.equipment_id IS DISTINCT FROM new.equipment_id
    OR old.start_at IS DISTINCT FROM new.start_at
    OR old.end_at IS DISTINCT FROM new.end_at
    OR old.total_amount IS DISTINCT FROM new.total_amount
    OR old.user_id IS DISTINCT FROM new.user_id
    OR old.created_at IS DISTINCT FROM new.created_at
    OR old.cancelled_at IS DISTINCT FROM new.cancelled_at
    OR old.id IS DISTINCT FROM new.id
)
EXECUTE FUNCTION pgfresh.tg_bookings__record_changes();

CREATE TRIGGER bookings__record_delete
AFTER DELETE ON public.bookings
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_changes();

CREATE TRIGGER bookings__record_truncate
AFTER TRUNCATE ON public.bookings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_changes();

COMMENT ON TRIGGER bookings__record_insert ON public.bookings IS
'pgfresh: record the machines and days of the inserted bookings for the views pgfresh.view_sources maps public.bookings to.';
COMMENT ON TRIGGER bookings__record_update ON public.bookings IS
'pgfresh: record an updated booking''s machines and days when a column some view reads changed.';
COMMENT ON TRIGGER bookings__record_delete ON public.bookings IS
'pgfresh: record the machines and days of the deleted bookings.';
COMMENT ON TRIGGER bookings__record_truncate ON public.bookings IS
'pgfresh: record that every machine and day changed.';
