-- pgfresh.tg_equipment_utilization__record_tail(): tail trigger of public.equipment_utilization: records in pgfresh.tail_changes
-- which part of mv_alert_candidates a statement made stale, so that analytics.alert_candidates_live
-- recomputes it live until the next refresh: the machines of the rows of days before today (today's telemetry counts from tomorrow on, when the tail recomputes every machine anyway).
-- requires: tables/tail_changes.sql, functions/setting.sql
-- AFTER ... FOR EACH STATEMENT with one transition table named changed_rows: the new rows
-- of an INSERT, the old rows of a DELETE, and for an UPDATE one trigger with each (see
-- triggers/equipment_utilization__tail.sql). One INSERT per statement, append-only: writers never wait.
-- SECURITY DEFINER: writers of public.equipment_utilization need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_utilization__record_tail()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.tail_changes (view_name, source_table, entity_id)
    SELECT DISTINCT 'mv_alert_candidates', 'public.equipment_utilization', r.equipment_id
      FROM changed_rows AS r
     WHERE r.usage_date < (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_utilization__record_tail() IS
'Statement trigger of public.equipment_utilization (transition table changed_rows): records in pgfresh.tail_changes what analytics.alert_candidates_live must recompute until mv_alert_candidates''s next refresh.';

REVOKE ALL ON FUNCTION pgfresh.tg_equipment_utilization__record_tail() FROM public;
