-- pgfresh.tg_notifications__record_tail(): tail trigger of public.notifications: records in pgfresh.tail_changes
-- which part of mv_support_sla a statement made stale, so that analytics.support_sla_live
-- recomputes it live until the next refresh: the earliest sent_at of the ticket notifications among the rows (other notifications count nowhere).
-- requires: tables/tail_changes.sql
-- AFTER ... FOR EACH STATEMENT with one transition table named changed_rows: the new rows
-- of an INSERT, the old rows of a DELETE, and for an UPDATE one trigger with each (see
-- triggers/notifications__tail.sql). One INSERT per statement, append-only: writers never wait.
-- SECURITY DEFINER: writers of public.notifications need no privilege on pgfresh.
CREATE FUNCTION pgfresh.tg_notifications__record_tail()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    INSERT INTO pgfresh.tail_changes (view_name, source_table, changed_from)
    SELECT 'mv_support_sla', 'public.notifications', min(r.sent_at)
      FROM changed_rows AS r
     WHERE r.ticket_id IS NOT NULL
    HAVING min(r.sent_at) IS NOT NULL;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_notifications__record_tail() IS
'Statement trigger of public.notifications (transition table changed_rows): records in pgfresh.tail_changes what analytics.support_sla_live must recompute until mv_support_sla''s next refresh.';

REVOKE ALL ON FUNCTION pgfresh.tg_notifications__record_tail() FROM public;
