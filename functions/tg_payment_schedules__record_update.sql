-- pgfresh.tg_payment_schedules__record_update(): the UPDATE capture trigger of public.payment_schedules, per row:
-- the trigger fires when the statement sets a column some managed view reads (UPDATE OF);
-- this function records one pgfresh.source_changes row with the keys of the old and the
-- new row and the names of the columns whose value changed (a view whose
-- pgfresh.view_sources.update_columns hold none of them does not take it); nothing when
-- no value changed.
-- requires: tables/source_changes.sql
-- Keys: no machines (the table has none); the days from the UTC day before the earliest
-- due_at, paid_at, created_at to the UTC day after the latest (every local day those
-- instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan), no lookup: which views a change concerns is read at
-- refresh time (pgfresh._take_changes).
-- SECURITY DEFINER: writers of public.payment_schedules need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_payment_schedules__record_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[] := pg_catalog.array_remove(ARRAY[
        CASE WHEN OLD.amount_due IS DISTINCT FROM NEW.amount_due THEN 'amount_due' END,
        CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN 'created_at' END,
        CASE WHEN OLD.due_at IS DISTINCT FROM NEW.due_at THEN 'due_at' END,
        CASE WHEN OLD.paid_at IS DISTINCT FROM NEW.paid_at THEN 'paid_at' END,
        CASE WHEN OLD.status IS DISTINCT FROM NEW.status THEN 'status' END
    ], NULL);
BEGIN
    IF v_changed = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
    VALUES (
        'public.payment_schedules', 'UPDATE', NULL::uuid[],
        (least(OLD.due_at, NEW.due_at, OLD.paid_at, NEW.paid_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date - 1,
        (greatest(OLD.due_at, NEW.due_at, OLD.paid_at, NEW.paid_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date + 1,
        v_changed
    );
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_payment_schedules__record_update() IS
'Row-level AFTER UPDATE OF <columns views read> capture trigger of public.payment_schedules: records no machines and days of the old and new row and the columns that changed in value in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_payment_schedules__record_update() FROM public;
