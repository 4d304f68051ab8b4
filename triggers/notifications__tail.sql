-- triggers notifications__tail_{insert,update_old,update_new,delete,truncate} on public.notifications:
-- record in pgfresh.tail_changes what part of mv_support_sla a statement made stale, for the
-- live tail of analytics.support_sla_live (pgfresh.tg_notifications__record_tail). Each trigger has one
-- transition table, named changed_rows (an UPDATE has two triggers: its old and its new
-- rows), so that the function reads one table whatever the event. TRUNCATE: everything
-- (pgfresh.tg__record_tail_reset).
-- requires: functions/tg_notifications__record_tail.sql, functions/tg__record_tail_reset.sql
CREATE TRIGGER notifications__tail_insert
AFTER INSERT ON public.notifications
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_notifications__record_tail();

CREATE TRIGGER notifications__tail_update_old
AFTER UPDATE ON public.notifications
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_notifications__record_tail();

CREATE TRIGGER notifications__tail_update_new
AFTER UPDATE ON public.notifications
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_notifications__record_tail();

CREATE TRIGGER notifications__tail_delete
AFTER DELETE ON public.notifications
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_notifications__record_tail();

CREATE TRIGGER notifications__tail_truncate
AFTER TRUNCATE ON public.notifications
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

COMMENT ON TRIGGER notifications__tail_insert ON public.notifications IS
'pgfresh: record the inserted rows for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_update_old ON public.notifications IS
'pgfresh: record the rows before an UPDATE for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_update_new ON public.notifications IS
'pgfresh: record the rows after an UPDATE for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_delete ON public.notifications IS
'pgfresh: record the deleted rows for the live tail of analytics.support_sla_live.';
COMMENT ON TRIGGER notifications__tail_truncate ON public.notifications IS
'pgfresh: after a TRUNCATE the live tail of analytics.support_sla_live covers everything until the next refresh.';
