-- triggers support_tickets__tail_{insert,update,delete,truncate} on public.support_tickets: record in
-- pgfresh.tail_changes what part of the materialized rows behind analytics.support_sla_live
-- a statement made stale (pgfresh.tg__record_tail_change). One statement-level trigger
-- per event: PostgreSQL allows transition tables only on single-event triggers.
-- requires: functions/tg__record_tail_change.sql
CREATE TRIGGER support_tickets__tail_insert
AFTER INSERT ON public.support_tickets
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER support_tickets__tail_update
AFTER UPDATE ON public.support_tickets
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER support_tickets__tail_delete
AFTER DELETE ON public.support_tickets
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER support_tickets__tail_truncate
AFTER TRUNCATE ON public.support_tickets
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

COMMENT ON TRIGGER support_tickets__tail_insert ON public.support_tickets IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_update ON public.support_tickets IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_delete ON public.support_tickets IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER support_tickets__tail_truncate ON public.support_tickets IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
