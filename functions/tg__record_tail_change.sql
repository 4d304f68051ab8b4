-- pgfresh.tg__record_tail_change(): the tail trigger of the real-time views' sources.
-- Records in pgfresh.tail_changes which part of a view's materialized rows a statement
-- may have made stale, so that analytics.support_sla_live and
-- analytics.alert_candidates_live recompute only that part:
--   public.support_tickets       -> mv_support_sla from the earliest created_at /
--                                   first_response_at of the old and new rows
--   public.notifications         -> mv_support_sla from the earliest sent_at of the
--                                   ticket notifications among them
--   public.equipment             -> mv_alert_candidates, the machines (old and new ids)
--   public.equipment_utilization -> mv_alert_candidates, the machines, for telemetry days
--                                   before today (today's rows count from tomorrow on,
--                                   when the tail recomputes every machine anyway)
--   pgfresh.settings, TRUNCATE   -> everything of the views fed (-infinity / every machine)
-- requires: tables/tail_changes.sql, functions/setting.sql
-- AFTER ... FOR EACH STATEMENT with transition tables old_rows / new_rows; one INSERT of
-- at most one row per statement (per changed machine for the equipment tables). Static
-- SQL per table and event: each trigger compiles its own copy of this function, so a
-- branch only ever plans the transition tables its event has.
-- SECURITY DEFINER: writers of the source tables need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg__record_tail_change()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_source constant text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
BEGIN
    IF TG_OP = 'TRUNCATE' OR v_source = 'pgfresh.settings' THEN
        INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from, entity_id)
        SELECT v.view_name, v_source, '-infinity', NULL
          FROM (VALUES ('mv_support_sla', ARRAY['public.support_tickets', 'public.notifications', 'pgfresh.settings']),
                       ('mv_alert_candidates', ARRAY['public.equipment', 'public.equipment_utilization',
                                                     'pgfresh.settings'])
               ) AS v (view_name, sources)
         WHERE v_source = ANY (v.sources);
    ELSIF v_source = 'public.support_tickets' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
            SELECT 'mv_support_sla', v_source, min(least(r.created_at, r.first_response_at))
              FROM new_rows AS r HAVING count(*) > 0;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
            SELECT 'mv_support_sla', v_source, min(least(r.created_at, r.first_response_at))
              FROM old_rows AS r HAVING count(*) > 0;
        END IF;
    ELSIF v_source = 'public.notifications' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
            SELECT 'mv_support_sla', v_source, min(r.sent_at)
              FROM new_rows AS r WHERE r.ticket_id IS NOT NULL HAVING min(r.sent_at) IS NOT NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
            SELECT 'mv_support_sla', v_source, min(r.sent_at)
              FROM old_rows AS r WHERE r.ticket_id IS NOT NULL HAVING min(r.sent_at) IS NOT NULL;
        END IF;
    ELSIF v_source = 'public.equipment' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, entity_id)
            SELECT DISTINCT 'mv_alert_candidates', v_source, r.id FROM new_rows AS r;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, entity_id)
            SELECT DISTINCT 'mv_alert_candidates', v_source, r.id FROM old_rows AS r;
        END IF;
    ELSIF v_source = 'public.equipment_utilization' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, entity_id)
            SELECT DISTINCT 'mv_alert_candidates', v_source, r.equipment_id
              FROM new_rows AS r
             WHERE r.usage_date < (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO pgfresh.tail_changes (view_name, source_table, entity_id)
            SELECT DISTINCT 'mv_alert_candidates', v_source, r.equipment_id
              FROM old_rows AS r
             WHERE r.usage_date < (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg__record_tail_change() IS
'Statement trigger (transition tables old_rows/new_rows) of support_tickets, notifications, equipment, equipment_utilization and pgfresh.settings: records in pgfresh.tail_changes what part of mv_support_sla / mv_alert_candidates the live views must recompute.';

REVOKE ALL ON FUNCTION pgfresh.tg__record_tail_change() FROM public;
