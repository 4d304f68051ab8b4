-- triggers insurance_documents__record_{insert,update,delete,truncate} on public.insurance_documents: record the
-- days each change touches in pgfresh.source_changes
-- (pgfresh.tg_insurance_documents__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.insurance_documents to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.insurance_documents a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_insurance_documents__record_rows.sql, functions/tg_insurance_documents__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER insurance_documents__record_insert
AFTER INSERT ON public.insurance_documents
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_insurance_documents__record_rows();

CREATE TRIGGER insurance_documents__record_update
AFTER UPDATE OF booking_id, created_at, due_at, id, reviewed_at, status, submitted_at, user_id
ON public.insurance_documents
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_insurance_documents__record_update();

CREATE TRIGGER insurance_documents__record_delete
AFTER DELETE ON public.insurance_documents
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_insurance_documents__record_rows();

CREATE TRIGGER insurance_documents__record_truncate
AFTER TRUNCATE ON public.insurance_documents
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER insurance_documents__record_insert ON public.insurance_documents IS
'pgfresh: record the inserted insurance documents in pgfresh.source_changes.';
COMMENT ON TRIGGER insurance_documents__record_update ON public.insurance_documents IS
'pgfresh: record an updated row of public.insurance_documents when a column some view reads changed.';
COMMENT ON TRIGGER insurance_documents__record_delete ON public.insurance_documents IS
'pgfresh: record the deleted insurance documents in pgfresh.source_changes.';
COMMENT ON TRIGGER insurance_documents__record_truncate ON public.insurance_documents IS
'pgfresh: record that everything in public.insurance_documents changed.';
