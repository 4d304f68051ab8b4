-- triggers equipment_utilization__tail_{insert,update,delete,truncate} on public.equipment_utilization: record in
-- pgfresh.tail_changes what part of the materialized rows behind analytics.alert_candidates_live
-- a statement made stale (pgfresh.tg__record_tail_change). One statement-level trigger
-- per event: PostgreSQL allows transition tables only on single-event triggers.
-- requires: functions/tg__record_tail_change.sql
CREATE TRIGGER equipment_utilization__tail_insert
AFTER INSERT ON public.equipment_utilization
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment_utilization__tail_update
AFTER UPDATE ON public.equipment_utilization
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment_utilization__tail_delete
AFTER DELETE ON public.equipment_utilization
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

CREATE TRIGGER equipment_utilization__tail_truncate
AFTER TRUNCATE ON public.equipment_utilization
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_change();

COMMENT ON TRIGGER equipment_utilization__tail_insert ON public.equipment_utilization IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment_utilization__tail_update ON public.equipment_utilization IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment_utilization__tail_delete ON public.equipment_utilization IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
COMMENT ON TRIGGER equipment_utilization__tail_truncate ON public.equipment_utilization IS
'pgfresh: record the source change for the live tail of analytics.alert_candidates_live.';
