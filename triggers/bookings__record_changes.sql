-- triggers bookings__record_{insert,update,delete,truncate} on public.bookings: record the
-- machines and days each change touches in pgfresh.source_changes
-- (pgfresh.tg_bookings__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.bookings to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.bookings a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_bookings__record_rows.sql, functions/tg_bookings__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER bookings__record_insert
AFTER INSERT ON public.bookings
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_rows();

CREATE TRIGGER bookings__record_update
AFTER UPDATE OF cancelled_at, created_at, end_at, equipment_id, id, start_at, status, total_amount, user_id
ON public.bookings
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_bookings__record_update();

CREATE TRIGGER bookings__record_delete
AFTER DELETE ON public.bookings
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_bookings__record_rows();

CREATE TRIGGER bookings__record_truncate
AFTER TRUNCATE ON public.bookings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER bookings__record_insert ON public.bookings IS
'pgfresh: record the inserted bookings in pgfresh.source_changes.';
COMMENT ON TRIGGER bookings__record_update ON public.bookings IS
'pgfresh: record an updated row of public.bookings when a column some view reads changed.';
COMMENT ON TRIGGER bookings__record_delete ON public.bookings IS
'pgfresh: record the deleted bookings in pgfresh.source_changes.';
COMMENT ON TRIGGER bookings__record_truncate ON public.bookings IS
'pgfresh: record that everything in public.bookings changed.';
