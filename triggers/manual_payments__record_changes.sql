-- triggers manual_payments__record_{insert,update,delete,truncate} on public.manual_payments: record the
-- days each change touches in pgfresh.source_changes
-- (pgfresh.tg_manual_payments__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.manual_payments to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.manual_payments a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_manual_payments__record_rows.sql, functions/tg_manual_payments__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER manual_payments__record_insert
AFTER INSERT ON public.manual_payments
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_manual_payments__record_rows();

CREATE TRIGGER manual_payments__record_update
AFTER UPDATE OF amount, payment_id, received_at
ON public.manual_payments
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_manual_payments__record_update();

CREATE TRIGGER manual_payments__record_delete
AFTER DELETE ON public.manual_payments
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_manual_payments__record_rows();

CREATE TRIGGER manual_payments__record_truncate
AFTER TRUNCATE ON public.manual_payments
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER manual_payments__record_insert ON public.manual_payments IS
'pgfresh: record the inserted manual payments in pgfresh.source_changes.';
COMMENT ON TRIGGER manual_payments__record_update ON public.manual_payments IS
'pgfresh: record an updated row of public.manual_payments when a column some view reads changed.';
COMMENT ON TRIGGER manual_payments__record_delete ON public.manual_payments IS
'pgfresh: record the deleted manual payments in pgfresh.source_changes.';
COMMENT ON TRIGGER manual_payments__record_truncate ON public.manual_payments IS
'pgfresh: record that everything in public.manual_payments changed.';
