-- triggers equipment__tail_{insert,update_old,update_new,delete,truncate} on public.equipment:
-- record in pgfresh.tail_changes what part of mv_alert_candidates a statement made stale, for the
-- live tail of analytics.alert_candidates_live (pgfresh.tg_equipment__record_tail). Each trigger has one
-- transition table, named changed_rows (an UPDATE has two triggers: its old and its new
-- rows), so that the function reads one table whatever the event. TRUNCATE: everything
-- (pgfresh.tg__record_tail_reset).
-- requires: functions/tg_equipment__record_tail.sql, functions/tg__record_tail_reset.sql
CREATE TRIGGER equipment__tail_insert
AFTER INSERT ON public.equipment
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_tail();

CREATE TRIGGER equipment__tail_update_old
AFTER UPDATE ON public.equipment
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_tail();

CREATE TRIGGER equipment__tail_update_new
AFTER UPDATE ON public.equipment
REFERENCING NEW TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_tail();

CREATE TRIGGER equipment__tail_delete
AFTER DELETE ON public.equipment
REFERENCING OLD TABLE AS changed_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg_equipment__record_tail();

CREATE TRIGGER equipment__tail_truncate
AFTER TRUNCATE ON public.equipment
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

COMMENT ON TRIGGER equipment__tail_insert ON public.equipment IS
'pgfresh: record the inserted rows for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_update_old ON public.equipment IS
'pgfresh: record the rows before an UPDATE for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_update_new ON public.equipment IS
'pgfresh: record the rows after an UPDATE for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_delete ON public.equipment IS
'pgfresh: record the deleted rows for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_truncate ON public.equipment IS
'pgfresh: after a TRUNCATE the live tail of analytics.alert_candidates_live covers everything until the next refresh.';
