-- triggers notifications__tail_{insert,update,delete,truncate} on public.notifications: record in
-- pgfresh.tail_changes what part of the materialized rows behind analytics.support_sla_live
-- a statement made stale (pgfresh.tg__record_tail_change). One statement-level trigger
-- per event: PostgreSQL allows transition tables only on single-event triggers.
-- requires: functions/tg__record_tail_change.sql
CREATE TRIGGER notifications__tail_insert
AFTER INSERT ON public.notifications
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER notifications__tail_update
AFTER UPDATE ON public.notifications
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER notifications__tail_delete
AFTER DELETE ON public.notifications
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER notifications__tail_truncate
AFTER TRUNCATE ON public.notifications
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

COMMENT ON TRIGGER notifications__tail_insert ON public.notifications IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_update ON public.notifications IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_delete ON public.notifications IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_truncate ON public.notifications IS
'pgfresh: record the source change for the live tail of analytics.support_sla_live.';
