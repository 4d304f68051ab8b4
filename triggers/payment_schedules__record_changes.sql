-- triggers payment_schedules__record_{insert,update,delete,truncate} on public.payment_schedules: record the
-- days each change touches in pgfresh.source_changes
-- (pgfresh.tg_payment_schedules__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.payment_schedules to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.payment_schedules a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_payment_schedules__record_rows.sql, functions/tg_payment_schedules__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER payment_schedules__record_insert
AFTER INSERT ON public.payment_schedules
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_payment_schedules__record_rows();

CREATE TRIGGER payment_schedules__record_update
AFTER UPDATE OF amount_due, created_at, due_at, paid_at, status
ON public.payment_schedules
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_payment_schedules__record_update();

CREATE TRIGGER payment_schedules__record_delete
AFTER DELETE ON public.payment_schedules
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_payment_schedules__record_rows();

CREATE TRIGGER payment_schedules__record_truncate
AFTER TRUNCATE ON public.payment_schedules
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER payment_schedules__record_insert ON public.payment_schedules IS
'pgfresh: record the inserted installments in pgfresh.source_changes.';
COMMENT ON TRIGGER payment_schedules__record_update ON public.payment_schedules IS
'pgfresh: record an updated row of public.payment_schedules when a column some view reads changed.';
COMMENT ON TRIGGER payment_schedules__record_delete ON public.payment_schedules IS
'pgfresh: record the deleted installments in pgfresh.source_changes.';
COMMENT ON TRIGGER payment_schedules__record_truncate ON public.payment_schedules IS
'pgfresh: record that everything in public.payment_schedules changed.';
