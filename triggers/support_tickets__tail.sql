-- triggers support_tickets__tail_{insert,update_old,update_new,delete,truncate} on public.support_tickets:
-- record in pgfresh.tail_changes what part of mv_support_sla a statement made stale, for the
-- live tail of analytics.support_sla_live (pgfresh.tg_support_tickets__record_tail). Each trigger has one
-- transition table, named changed_rows (an UPDATE has two triggers: its old and its new
-- rows), so that the function reads one table whatever the event. TRUNCATE: everything
-- (pgfresh.tg__record_tail_reset).
-- requires: functions/tg_support_tickets__record_tail.sql, functions/tg__record_tail_reset.sql
CREATE TRIGGER support_tickets__tail_insert
AFTER INSERT ON public.support_tickets
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_tail();

CREATE TRIGGER support_tickets__tail_update_old
AFTER UPDATE ON public.support_tickets
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_tail();

CREATE TRIGGER support_tickets__tail_update_new
AFTER UPDATE ON public.support_tickets
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_tail();

CREATE TRIGGER support_tickets__tail_delete
AFTER DELETE ON public.support_tickets
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_support_tickets__record_tail();

CREATE TRIGGER support_tickets__tail_truncate
AFTER TRUNCATE ON public.support_tickets
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

COMMENT ON TRIGGER support_tickets__tail_insert ON public.support_tickets IS
'pgfresh: record the inserted rows for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_update_old ON public.support_tickets IS
'pgfresh: record the rows before an UPDATE for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_update_new ON public.support_tickets IS
'pgfresh: record the rows after an UPDATE for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_delete ON public.support_tickets IS
'pgfresh: record the deleted rows for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_truncate ON public.support_tickets IS
'pgfresh: after a TRUNCATE the live tail of analytics.support_sla_live covers everything until the next refresh.';
