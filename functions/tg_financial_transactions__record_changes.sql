-- pgfresh.tg_financial_transactions__record_changes(): the capture trigger of public.financial_transactions: one
-- pgfresh.source_changes row per INSERT or DELETE statement (transition table changed_rows, so
-- a 1000-row statement pays one call) and per updated row whose columns some managed view
-- reads changed in value, with the names of those columns (the trigger fires only for
-- UPDATE OF them; pgfresh.view_sources.update_columns is applied when a view takes them).
-- requires: tables/source_changes.sql
-- Keys: no machines (the table has none); the days from the UTC day before the earliest
-- occurred_at, created_at to the UTC day after the latest (every local day those
-- instants fall on, whatever the business time zone).
-- One static INSERT (a cached plan) and nothing else: which views a change concerns is read
-- at refresh time (pgfresh._take_changes, from pgfresh.view_sources), so the writer's
-- statement pays the same whatever the number of views.
-- SECURITY DEFINER: writers of public.financial_transactions need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_financial_transactions__record_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_changed text[];
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        v_changed := pg_catalog.array_remove(ARRAY[
            CASE WHEN OLD.amount IS DISTINCT FROM NEW.amount THEN 'amount' END,
            CASE WHEN OLD.kind IS DISTINCT FROM NEW.kind THEN 'kind' END,
            CASE WHEN OLD.occurred_at IS DISTINCT FROM NEW.occurred_at THEN 'occurred_at' END
        ], NULL);
        IF v_changed = '{}' THEN
            RETURN NULL;
        END IF;
        INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day, changed_columns)
        VALUES (
            'public.financial_transactions', 'UPDATE', NULL::uuid[],
            (least(OLD.occurred_at, NEW.occurred_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date - 1,
            (greatest(OLD.occurred_at, NEW.occurred_at, OLD.created_at, NEW.created_at) AT TIME ZONE 'UTC')::date + 1,
            v_changed
        );
        RETURN NULL;
    END IF;
    INSERT INTO pgfresh.source_changes (source_table, operation, equipment_ids, first_day, last_day)
    SELECT
        'public.financial_transactions', TG_OP, NULL::uuid[],
        (least(min(r.occurred_at), min(r.created_at)) AT TIME ZONE 'UTC')::date - 1,
        (greatest(max(r.occurred_at), max(r.created_at)) AT TIME ZONE 'UTC')::date + 1
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_financial_transactions__record_changes() IS
'Capture trigger of public.financial_transactions (statement-level AFTER INSERT / DELETE with transition table changed_rows, row-level AFTER UPDATE OF the columns views read): records no machines and days of each change in pgfresh.source_changes.';

-- Runs only as a trigger; nobody calls it.
REVOKE ALL ON FUNCTION pgfresh.tg_financial_transactions__record_changes() FROM public;
