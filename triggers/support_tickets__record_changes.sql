-- triggers support_tickets__record_{insert,update,delete,truncate} on public.support_tickets: record the
-- machines and days each change touches in pgfresh.source_changes
-- (pgfresh.tg_support_tickets__record_rows, _record_update, tg__record_everything for TRUNCATE); the views
-- pgfresh.view_sources maps public.support_tickets to refresh from them.
-- INSERT and DELETE per statement with transition tables (a batch pays one call); UPDATE
-- per row, only when the statement sets a column some managed view reads (UPDATE OF: a
-- bitmap test in C before anything else; the list is every column of public.support_tickets a
-- managed view reads, pg_depend, kept in step by tests/test_incremental.py).
-- requires: functions/tg_support_tickets__record_rows.sql, functions/tg_support_tickets__record_update.sql, functions/tg__record_everything.sql
CREATE TRIGGER support_tickets__record_insert
AFTER INSERT ON public.support_tickets
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_rows();

CREATE TRIGGER support_tickets__record_update
AFTER UPDATE OF booking_id, created_at, equipment_id, first_response_at, id, priority, resolved_at, status, updated_at, user_id
ON public.support_tickets
FOR EACH ROW
EXECUTE FUNCTION pgfresh.tg_support_tickets__record_update();

CREATE TRIGGER support_tickets__record_delete
AFTER DELETE ON public.support_tickets
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_rows();

CREATE TRIGGER support_tickets__record_truncate
AFTER TRUNCATE ON public.support_tickets
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER support_tickets__record_insert ON public.support_tickets IS
'pgfresh: record the inserted support tickets in pgfresh.source_changes.';
COMMENT ON TRIGGER support_tickets__record_update ON public.support_tickets IS
'pgfresh: record an updated row of public.support_tickets when a column some view reads changed.';
COMMENT ON TRIGGER support_tickets__record_delete ON public.support_tickets IS
'pgfresh: record the deleted support tickets in pgfresh.source_changes.';
COMMENT ON TRIGGER support_tickets__record_truncate ON public.support_tickets IS
'pgfresh: record that everything in public.support_tickets changed.';
