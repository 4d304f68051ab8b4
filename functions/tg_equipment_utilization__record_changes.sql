-- pgfresh.tg_equipment_utilization__record_changes(): the capture trigger of
-- public.equipment_utilization (telemetry): records which machines and local days a change
-- touched, for each view pgfresh.view_sources maps the table to.
-- requires: functions/_record_change.sql
-- usage_date is already a local day: the keys are exact (old and new rows). A daily upload
-- of every machine's row is one INSERT statement: one row per mapped view, its machines
-- and the days they span.
-- SECURITY DEFINER: writers of equipment_utilization need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_utilization__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM pgfresh._record_change(
            'public.equipment_utilization', TG_OP, NULL,
            ARRAY[OLD.equipment_id, NEW.equipment_id],
            least(OLD.usage_date, NEW.usage_date),
            greatest(OLD.usage_date, NEW.usage_date));
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pgfresh._record_change('public.equipment_utilization', TG_OP, NULL, k.equipment_ids, k.first_day, k.last_day)
           FROM (SELECT pg_catalog.array_agg(DISTINCT n.equipment_id) AS equipment_ids,
                        min(n.usage_date) AS first_day, max(n.usage_date) AS last_day
                   FROM new_rows AS n) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pgfresh._record_change('public.equipment_utilization', TG_OP, NULL, k.equipment_ids, k.first_day, k.last_day)
           FROM (SELECT pg_catalog.array_agg(DISTINCT o.equipment_id) AS equipment_ids,
                        min(o.usage_date) AS first_day, max(o.usage_date) AS last_day
                   FROM old_rows AS o) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSE  -- TRUNCATE
        PERFORM pgfresh._record_change('public.equipment_utilization', TG_OP, NULL, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_utilization__record_changes() IS
'Capture trigger of public.equipment_utilization: records the machines and local days (usage_date) a change touched for each view pgfresh.view_sources maps the table to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_utilization__record_changes() FROM public;
