-- pgfresh.tg__record_tail_reset(): tail trigger for changes that may move every row of a
-- real-time view: a TRUNCATE of one of its sources, or any change of pgfresh.settings (a
-- time zone, an SLA, a threshold). Records "everything" in pgfresh.tail_changes
-- (changed_from -infinity for mv_support_sla; no machine, meaning every machine, for
-- mv_alert_candidates), so the live views recompute all of it until the next refresh.
-- requires: tables/tail_changes.sql
-- AFTER ... FOR EACH STATEMENT, no transition table. SECURITY DEFINER: the writer needs no
-- privilege on pgfresh.
CREATE FUNCTION pgfresh.tg__record_tail_reset()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_source constant text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
BEGIN
    INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
    SELECT v.view_name, v_source, '-infinity'
      FROM (VALUES ('mv_support_sla', ARRAY['public.support_tickets', 'public.notifications', 'pgfresh.settings']),
                   ('mv_alert_candidates', ARRAY['public.equipment', 'public.equipment_utilization',
                                                 'pgfresh.settings'])
           ) AS v (view_name, sources)
     WHERE v_source = ANY (v.sources);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg__record_tail_reset() IS
'Statement trigger (TRUNCATE of a real-time view''s source, any change of pgfresh.settings): records in pgfresh.tail_changes that the live views must recompute everything until their next refresh.';

REVOKE ALL ON FUNCTION pgfresh.tg__record_tail_reset() FROM public;
