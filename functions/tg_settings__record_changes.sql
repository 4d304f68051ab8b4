-- pgfresh.tg_settings__record_changes(): the capture trigger of pgfresh.settings, per row:
-- a setting can move every row of a view that reads it (a time zone, a threshold), so it is
-- recorded as "everything" (no machine, no day), with the setting's key as the changed
-- column: a view mapped to pgfresh.settings in pgfresh.view_sources takes it only when the
-- key is among its update_columns (NULL: any key). Engine knobs (poll interval, retention)
-- thus rebuild no view.
-- requires: tables/source_changes.sql
-- Row-level: settings change rarely and one row at a time. SECURITY DEFINER: whoever may
-- write settings needs no privilege on pgfresh.source_changes.
CREATE FUNCTION pgfresh.tg_settings__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.source_changes (source_table, operation, changed_columns)
    VALUES (
        'pgfresh.settings', TG_OP,
        CASE TG_OP
            WHEN 'INSERT' THEN ARRAY[NEW.key]
            WHEN 'DELETE' THEN ARRAY[OLD.key]
            ELSE ARRAY[OLD.key, NEW.key]
        END
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_settings__record_changes() IS
'Row-level AFTER INSERT / UPDATE / DELETE trigger of pgfresh.settings: records "everything" in pgfresh.source_changes with the key as the changed column (views take it when the key is in their update_columns).';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_settings__record_changes() FROM public;
