-- triggers support_tickets__enqueue_{insert,update,delete,truncate} on public.support_tickets: queue refreshes of
-- the views that pgfresh.view_sources maps public.support_tickets to (pgfresh.tg__enqueue_refresh).
-- An event here refreshes the alert candidates
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER support_tickets__enqueue_insert
AFTER INSERT ON public.support_tickets
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER support_tickets__enqueue_update
AFTER UPDATE ON public.support_tickets
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER support_tickets__enqueue_delete
AFTER DELETE ON public.support_tickets
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER support_tickets__enqueue_truncate
AFTER TRUNCATE ON public.support_tickets
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER support_tickets__enqueue_insert ON public.support_tickets IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.support_tickets to.';
COMMENT ON TRIGGER support_tickets__enqueue_update ON public.support_tickets IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER support_tickets__enqueue_delete ON public.support_tickets IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.support_tickets to.';
COMMENT ON TRIGGER support_tickets__enqueue_truncate ON public.support_tickets IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.support_tickets to.';
