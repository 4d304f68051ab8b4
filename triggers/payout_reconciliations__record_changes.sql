-- triggers payout_reconciliations__record_{insert,update,delete,truncate} on public.payout_reconciliations: record the
-- days each change touches in pgfresh.source_changes
-- (pgfresh.tg_payout_reconciliations__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.payout_reconciliations to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.payout_reconciliations a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_payout_reconciliations__record_rows.sql, functions/tg_payout_reconciliations__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER payout_reconciliations__record_insert
AFTER INSERT ON public.payout_reconciliations
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_payout_reconciliations__record_rows();

CREATE TRIGGER payout_reconciliations__record_update
AFTER UPDATE OF amount, arrived_at, created_at, expected_at, status
ON public.payout_reconciliations
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_payout_reconciliations__record_update();

CREATE TRIGGER payout_reconciliations__record_delete
AFTER DELETE ON public.payout_reconciliations
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_payout_reconciliations__record_rows();

CREATE TRIGGER payout_reconciliations__record_truncate
AFTER TRUNCATE ON public.payout_reconciliations
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER payout_reconciliations__record_insert ON public.payout_reconciliations IS
'pgfresh: record the inserted payouts in pgfresh.source_changes.';
COMMENT ON TRIGGER payout_reconciliations__record_update ON public.payout_reconciliations IS
'pgfresh: record an updated row of public.payout_reconciliations when a column some view reads changed.';
COMMENT ON TRIGGER payout_reconciliations__record_delete ON public.payout_reconciliations IS
'pgfresh: record the deleted payouts in pgfresh.source_changes.';
COMMENT ON TRIGGER payout_reconciliations__record_truncate ON public.payout_reconciliations IS
'pgfresh: record that everything in public.payout_reconciliations changed.';
