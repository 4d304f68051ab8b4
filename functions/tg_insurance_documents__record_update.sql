-- pgfresh.tg_insurance_documents__record_update(): the UPDATE capture trigger of public.insurance_documents, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: no machines (the table has none); the days from the UTC day before the earliest
-- submitted_at, due_at, reviewed_at, expires_at, created_at to the UTC day after the
-- latest (every local day those instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.insurance_documents need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_insurance_documents__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.booking_id IS DISTINCT FROM NEW.booking_id THEN 'booking_id' END,
        CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
        CASE WHEN OLD.due_at IS DISTINCT FROM NEW.due_at THEN 'due_at' END,
        CASE WHEN OLD.id IS DISTINCT FROM NEW.id THEN 'id' END,
        CASE WHEN OLD.reviewed_at IS DISTINCT FROM NEW.reviewed_at THEN 'reviewed_at' END,
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END,
        CASE WHEN OLD.submitted_at IS DISTINCT FROM NEW.submitted_at THEN 'submitted_at' END,
        CASE WHEN OLD.user_id IS DISTINCT FROM NEW.user_id THEN 'user_id' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
    VALUES (
        'public.insurance_documents', 'UPDATE', NULL::uuid[],
        (least(OLD.submitted_at, NEW.submitted_at, OLD.due_at, NEW.due_at, OLD.reviewed_at, NEW.reviewed_at, OLD.expires_at, NEW.expires_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date - 1,
        (greatest(OLD.submitted_at, NEW.submitted_at, OLD.due_at, NEW.due_at, OLD.reviewed_at, NEW.reviewed_at, OLD.expires_at, NEW.expires_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date + 1,
        v_changed
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_insurance_documents__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.insurance_documents: records no machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_insurance_documents__record_update() FROM public;
