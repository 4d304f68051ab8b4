-- triggers equipment__tail_{insert,update,delete,truncate} on public.equipment: record in
-- pgfresh.tail_changes what part of the materialized rows behind analytics.alert_candidates_live
-- a statement made stale (pgfresh.tg__record_tail_change). One statement-level trigger
-- per event: PostgreSQL allows transition tables only on single-event triggers.
-- requires: functions/tg__record_tail_change.sql
CREATE TRIGGER equipment__tail_insert
AFTER INSERT ON public.equipment
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment__tail_update
AFTER UPDATE ON public.equipment
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment__tail_delete
AFTER DELETE ON public.equipment
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment__tail_truncate
AFTER TRUNCATE ON public.equipment
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

COMMENT ON TRIGGER equipment__tail_insert ON public.equipment IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_update ON public.equipment IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_delete ON public.equipment IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment__tail_truncate ON public.equipment IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
