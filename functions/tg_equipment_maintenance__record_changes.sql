-- pgfresh.tg_equipment_maintenance__record_changes(): the capture trigger of
-- public.equipment_maintenance: records which machines a change touched and from which day
-- on, for each view pgfresh.view_sources maps public.equipment_maintenance to.
-- requires: functions/_record_change.sql
-- A job carries forward: it puts the machine in the shop from started_at, and a completed
-- job sets the next service date in force until the next completed job, so a change
-- touches its machine from the UTC day before the earliest started_at / completed_at of
-- the old and new rows up to today (last_day NULL). A job never started nor completed
-- touches no day ('infinity'), but still requests the views mapped to the table.
-- SECURITY DEFINER: writers of equipment_maintenance need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_maintenance__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM pgfresh._record_change(
            'public.equipment_maintenance', TG_OP,
            NULL,
            ARRAY[OLD.equipment_id, NEW.equipment_id],
            coalesce(
                (least(OLD.started_at, OLD.completed_at, NEW.started_at, NEW.completed_at) AT TIME ZONE 'UTC')::date - 1,
                'infinity'),
            NULL);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pgfresh._record_change('public.equipment_maintenance', TG_OP, NULL, k.equipment_ids, k.first_day, NULL)
           FROM (SELECT pg_catalog.array_agg(DISTINCT n.equipment_id) AS equipment_ids,
                        coalesce((least(min(n.started_at), min(n.completed_at)) AT TIME ZONE 'UTC')::date - 1,
                                 'infinity') AS first_day
                   FROM new_rows AS n) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pgfresh._record_change('public.equipment_maintenance', TG_OP, NULL, k.equipment_ids, k.first_day, NULL)
           FROM (SELECT pg_catalog.array_agg(DISTINCT o.equipment_id) AS equipment_ids,
                        coalesce((least(min(o.started_at), min(o.completed_at)) AT TIME ZONE 'UTC')::date - 1,
                                 'infinity') AS first_day
                   FROM old_rows AS o) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSE  -- TRUNCATE
        PERFORM pgfresh._record_change('public.equipment_maintenance', TG_OP, NULL, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_maintenance__record_changes() IS
'Capture trigger of public.equipment_maintenance: records the machines a change touched, from the earliest started_at/completed_at day on (it carries forward), for each view pgfresh.view_sources maps the table to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_maintenance__record_changes() FROM public;
