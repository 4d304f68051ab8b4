-- triggers payments__enqueue_{insert,update,delete,truncate} on public.payments: queue refreshes of
-- the views that pgfresh.view_sources maps public.payments to (pgfresh.tg__enqueue_refresh).
-- A payment added, changed or removed refreshes the financial summary
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER payments__enqueue_insert
AFTER INSERT ON public.payments
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payments__enqueue_update
AFTER UPDATE ON public.payments
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payments__enqueue_delete
AFTER DELETE ON public.payments
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payments__enqueue_truncate
AFTER TRUNCATE ON public.payments
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER payments__enqueue_insert ON public.payments IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payments to.';
COMMENT ON TRIGGER payments__enqueue_update ON public.payments IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER payments__enqueue_delete ON public.payments IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payments to.';
COMMENT ON TRIGGER payments__enqueue_truncate ON public.payments IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payments to.';
