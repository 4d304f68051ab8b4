-- pgfresh.tg_equipment_maintenance__record_rows(): the INSERT and DELETE capture trigger of public.equipment_maintenance,
-- per statement: records the machines and the first day of the rows the statement added or removed (transition
-- table changed_rows: the INSERT trigger's NEW TABLE, the DELETE trigger's OLD TABLE), one
-- pgfresh.refresh_changes row for each view pgfresh.view_sources maps public.equipment_maintenance to, for
-- the whole statement (a 1000-row INSERT pays one call); nothing when it touched no row.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- A job carries forward: it puts the machine in the shop from started_at, and a completed
-- job sets the next service date in force until the next completed job, so a change
-- touches its machine from the UTC day before the earliest started_at / completed_at up
-- to today (last_day NULL). A job never started nor completed touches no day
-- ('infinity'), but still requests the views mapped to the table.
-- One static INSERT (a cached plan); a row naming a view that is not a managed view is
-- recorded and ignored (purge_history removes it).
-- SECURITY DEFINER: writers of equipment_maintenance need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_equipment_maintenance__record_rows()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT s.view_name, 'public.equipment_maintenance ' || TG_OP, k.equipment_ids, k.first_day, k.last_day
      FROM (SELECT
                   pg_catalog.array_agg(r.equipment_id) AS equipment_ids,
                   coalesce(
                       (least(min(r.started_at), min(r.completed_at)) AT TIME ZONE 'UTC')::date - 1, 'infinity'
                   ) AS first_day,
                   NULL::date AS last_day
              FROM changed_rows AS r) AS k
     CROSS JOIN pgfresh.view_sources AS s
     WHERE s.source_table = 'public.equipment_maintenance' AND k.equipment_ids IS NOT NULL;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_equipment_maintenance__record_rows() IS
'Statement-level AFTER INSERT / AFTER DELETE trigger of public.equipment_maintenance (transition table changed_rows): records the machines and the first day of the rows added or removed (pgfresh.refresh_changes) for each view pgfresh.view_sources maps the table to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_equipment_maintenance__record_rows() FROM public;
