-- pgfresh._record_change(source, operation, changed_columns, equipment_ids, first_day,
-- last_day): the fan-out shared by the capture triggers (tg_<table>__record_changes):
-- one pgfresh.refresh_changes row per pgfresh.view_sources row of the source table whose
-- view exists in schema analytics and (UPDATE) whose update_columns overlap the columns
-- that changed (NULL update_columns: any change the trigger fired for).
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- The mapping stays data: an operator adds or removes a view_sources row without a
-- migration. One static INSERT (a cached plan; the view_sources lookup is by its primary
-- key), no dynamic SQL and no catalog query per statement but to_regclass's cache lookup.
-- Append-only: no unique key but the identity, no row updated, so writers never wait on
-- each other. Called by the SECURITY DEFINER trigger functions, so it runs as the owner
-- with their search_path (no SET clause of its own: a SET costs every writer's statement).
CREATE FUNCTION pgfresh._record_change(
    p_source text,
    p_operation text,
    p_changed_columns text [],
    p_equipment_ids uuid [],
    p_first_day date,
    p_last_day date
)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO pgfresh.refresh_changes (view_name, reason, equipment_ids, first_day, last_day)
    SELECT s.view_name, p_source || ' ' || p_operation, p_equipment_ids, p_first_day, p_last_day
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = p_source
       AND (p_changed_columns IS NULL OR s.update_columns IS NULL OR s.update_columns && p_changed_columns)
       AND pg_catalog.to_regclass(pg_catalog.format('analytics.%I', s.view_name)) IS NOT NULL;
END
$$;

COMMENT ON FUNCTION pgfresh._record_change(text, text, text [], uuid [], date, date) IS
'Capture triggers'' fan-out: a refresh_changes row with these keys for each view pgfresh.view_sources maps p_source to (UPDATE: when p_changed_columns overlap its update_columns). NULL p_changed_columns: INSERT, DELETE, TRUNCATE.';

-- Internal: only the capture triggers (as the owner) call it.
REVOKE ALL ON FUNCTION pgfresh._record_change(text, text, text [], uuid [], date, date) FROM public;
