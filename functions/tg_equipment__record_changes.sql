-- pgfresh.tg_equipment__record_changes(): the capture trigger of public.equipment: records
-- which machines a change touched (every day of them) for each view pgfresh.view_sources
-- maps public.equipment to.
-- requires: functions/_record_change.sql
-- Row-level for UPDATE (after the trigger's WHEN: a column some view reads changed),
-- statement-level with transition tables for INSERT and DELETE; TRUNCATE: every machine.
-- SECURITY DEFINER: writers of equipment need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM pgfresh._record_change(
            'public.equipment', TG_OP,
            pg_catalog.array_remove(ARRAY[
                CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
                CASE WHEN OLD.category IS DISTINCT FROM NEW.category THEN 'category' END,
                CASE WHEN OLD.acquired_at IS DISTINCT FROM NEW.acquired_at THEN 'acquired_at' END,
                CASE WHEN OLD.name IS DISTINCT FROM NEW.name THEN 'name' END,
                CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END
            ], NULL),
            ARRAY[OLD.id, NEW.id], NULL, NULL);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pgfresh._record_change('public.equipment', TG_OP, NULL, k.equipment_ids, NULL, NULL)
           FROM (SELECT pg_catalog.array_agg(n.id) AS equipment_ids FROM new_rows AS n) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pgfresh._record_change('public.equipment', TG_OP, NULL, k.equipment_ids, NULL, NULL)
           FROM (SELECT pg_catalog.array_agg(o.id) AS equipment_ids FROM old_rows AS o) AS k
          WHERE k.equipment_ids IS NOT NULL;
    ELSE  -- TRUNCATE
        PERFORM pgfresh._record_change('public.equipment', TG_OP, NULL, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment__record_changes() IS
'Capture trigger of public.equipment: records the machines a change touched (all their days) for each view pgfresh.view_sources maps public.equipment to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment__record_changes() FROM public;
