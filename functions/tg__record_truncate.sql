-- pgfresh.tg__record_truncate(): the TRUNCATE capture trigger of every captured source
-- table: records "every key changed" (a refresh_changes row with NULL keys) for each view
-- pgfresh.view_sources maps the table to; an incremental view then rebuilds in full.
-- requires: tables/view_sources.sql, tables/refresh_changes.sql
-- Shared by the tables (a TRUNCATE trigger has no rows and no transition tables); the
-- table's name comes from TG_TABLE_SCHEMA / TG_TABLE_NAME, compared as text with
-- view_sources.source_table. SECURITY DEFINER: the writer needs no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg__record_truncate()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.refresh_changes (view_name, reason)
    SELECT s.view_name, s.source_table || ' TRUNCATE'
      FROM pgfresh.view_sources AS s
     WHERE s.source_table = TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg__record_truncate() IS
'AFTER TRUNCATE statement trigger of the captured source tables: records that every key changed, for each view pgfresh.view_sources maps the table to.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg__record_truncate() FROM public;
