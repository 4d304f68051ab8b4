-- pgfresh.tg_support_tickets__record_tail(): tail trigger of public.support_tickets: records in pgfresh.tail_changes
-- which part of mv_support_sla a statement made stale, so that analytics.support_sla_live
-- recomputes it live until the next refresh: the earliest created_at / first_response_at of the rows: every count of a ticket falls on that day or later.
-- requires: tables/tail_changes.sql
-- AFTER ... FOR EACH STATEMENT with one transition table named changed_rows: the new rows
-- of an INSERT, the old rows of a DELETE, and for an UPDATE one trigger with each (see
-- triggers/support_tickets__tail.sql). One INSERT per statement, append-only: writers never wait.
-- SECURITY DEFINER: writers of public.support_tickets need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_support_tickets__record_tail()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
    SELECT 'mv_support_sla', 'public.support_tickets', min(least(r.created_at, r.first_response_at))
      FROM changed_rows AS r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_support_tickets__record_tail() IS
'Statement trigger of public.support_tickets (transition table changed_rows): records in pgfresh.tail_changes what analytics.support_sla_live must recompute until mv_support_sla''s next refresh.';

REVOKE ALL ON FUNCTION pgfresh.tg_support_tickets__record_tail() FROM public;
