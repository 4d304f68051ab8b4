-- pgfresh.tg_support_tickets__record_rows(): the INSERT and DELETE capture trigger of public.support_tickets,
-- per statement: one pgfresh.source_changes row for the rows the statement added or removed
-- (transition table changed_rows: the INSERT trigger's NEW TABLE, the DELETE trigger's OLD
-- TABLE), so a 1000-row statement pays one call; nothing when it touched no row.
-- requires: tables/source_changes.sql
-- Keys: the machines (equipment_id); the days from the UTC day before the earliest
-- created_at, first_response_at, resolved_at, updated_at to the UTC day after the
-- latest (every local day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.support_tickets need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_support_tickets__record_rows()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.support_tickets', TG_OP, pg_catalog.array_agg(r.equipment_id),
        (least(min(r.created_at), min(r.first_response_at), min(r.resolved_at), min(r.updated_at)) AT TIME ZONE 'UTC')::date - 1,
        (greatest(max(r.created_at), max(r.first_response_at), max(r.resolved_at), max(r.updated_at)) AT TIME ZONE 'UTC')::date + 1
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_support_tickets__record_rows() IS
'Statement-level AFTER INSERT / AFTER DELETE capture trigger of public.support_tickets (transition table changed_rows): records the machines and days of the rows added or removed in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_support_tickets__record_rows() FROM public;
