-- pgfresh.tg__record_everything(): statement trigger for changes after which nothing is
-- known about which keys moved: a TRUNCATE of a captured source table or of
-- pgfresh.settings. Records one
-- pgfresh.source_changes row with no machine and no day ("everything") for the table.
-- requires: tables/source_changes.sql
-- SECURITY DEFINER: the writer needs no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg__record_everything()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.source_changes (source_table, operation)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg__record_everything() IS
'AFTER TRUNCATE trigger of the captured sources and pgfresh.settings: records that every key of the table changed (a pgfresh.source_changes row without keys).';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg__record_everything() FROM public;
