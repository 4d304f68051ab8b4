-- pgfresh._reset_tail(view): in the transaction of a refresh, before the REFRESH itself:
-- deletes the view's tail changes that this transaction can see and records now() as the
-- instant the view's rows are as of. Called by pgfresh._execute_run next to the queue delete.
-- requires: tables/tail_changes.sql, tables/view_as_of.sql
-- Same reasoning as the queue: the REFRESH's snapshot is taken later, so it covers every
-- change deleted here; a change committed meanwhile keeps its row (a longer tail, never a
-- missing one); a failed refresh rolls both back. Only one refresh of a view runs at a time
-- (its advisory lock), so the upsert has no contention.
CREATE FUNCTION pgfresh._reset_tail(p_view_name text)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pgfresh
AS $$
    DELETE FROM pgfresh.tail_changes AS c WHERE c.view_name = p_view_name;
    INSERT INTO pgfresh.view_as_of (view_name, as_of) VALUES (p_view_name, pg_catalog.now())
    ON CONFLICT (view_name) DO UPDATE SET as_of = excluded.as_of;
$$;

COMMENT ON FUNCTION pgfresh._reset_tail(text) IS
'In a refresh''s transaction: deletes the view''s visible pgfresh.tail_changes and sets pgfresh.view_as_of to now() (the instant its rows are as of).';

REVOKE ALL ON FUNCTION pgfresh._reset_tail(text) FROM public;
