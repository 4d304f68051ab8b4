-- triggers bookings__record_{insert,update,delete,truncate} on public.bookings: record the
-- machines and days each change touches for the views pgfresh.view_sources maps
-- public.bookings to (pgfresh.tg_bookings__record_rows, tg_bookings__record_update, tg__record_truncate).
-- INSERT and DELETE per statement with transition tables (a batch pays one call);
-- UPDATE per row, only when the statement sets a column some view reads (UPDATE OF: a
-- bitmap test in C before anything else), so an update of updated_at, deposit_amount or
-- currency (read by no view) costs nothing; the function records only columns whose value
-- changed. The list is every column of bookings that a managed view reads (pg_depend;
-- tests/test_incremental.py keeps it in step). Not a WHEN clause: PostgreSQL compiles a
-- trigger's WHEN expression once per statement, and nine comparisons cost a single-row
-- UPDATE about +25% backend CPU (make bench) even when they are false.
CREATE TRIGGER bookings__record_insert
AFTER INSERT ON public.bookings
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_rows();

CREATE TRIGGER bookings__record_update
AFTER UPDATE OF status, equipment_id, start_at, end_at, total_amount, user_id, created_at, cancelled_at, id
ON public.bookings
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_bookings__record_update();

CREATE TRIGGER bookings__record_delete
AFTER DELETE ON public.bookings
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_rows();

CREATE TRIGGER bookings__record_truncate
AFTER TRUNCATE ON public.bookings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_truncate();

COMMENT ON TRIGGER bookings__record_insert ON public.bookings IS
'pgfresh: record the machines and days of the inserted bookings for the views pgfresh.view_sources maps public.bookings to.';
COMMENT ON TRIGGER bookings__record_update ON public.bookings IS
'pgfresh: record an updated booking''s machines and days when a column some view reads changed.';
COMMENT ON TRIGGER bookings__record_delete ON public.bookings IS
'pgfresh: record the machines and days of the deleted bookings.';
COMMENT ON TRIGGER bookings__record_truncate ON public.bookings IS
'pgfresh: record that every machine and day changed.';
