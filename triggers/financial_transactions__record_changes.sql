-- triggers financial_transactions__record_{insert,update,delete,truncate} on public.financial_transactions: record the
-- days each change touches in pgfresh.source_changes
-- (pgfresh.tg_financial_transactions__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.financial_transactions to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.financial_transactions a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_financial_transactions__record_rows.sql, functions/tg_financial_transactions__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER financial_transactions__record_insert
AFTER INSERT ON public.financial_transactions
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_financial_transactions__record_rows();

CREATE TRIGGER financial_transactions__record_update
AFTER UPDATE OF amount, kind, occurred_at
ON public.financial_transactions
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_financial_transactions__record_update();

CREATE TRIGGER financial_transactions__record_delete
AFTER DELETE ON public.financial_transactions
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_financial_transactions__record_rows();

CREATE TRIGGER financial_transactions__record_truncate
AFTER TRUNCATE ON public.financial_transactions
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER financial_transactions__record_insert ON public.financial_transactions IS
'pgfresh: record the inserted ledger rows in pgfresh.source_changes.';
COMMENT ON TRIGGER financial_transactions__record_update ON public.financial_transactions IS
'pgfresh: record an updated row of public.financial_transactions when a column some view reads changed.';
COMMENT ON TRIGGER financial_transactions__record_delete ON public.financial_transactions IS
'pgfresh: record the deleted ledger rows in pgfresh.source_changes.';
COMMENT ON TRIGGER financial_transactions__record_truncate ON public.financial_transactions IS
'pgfresh: record that everything in public.financial_transactions changed.';
