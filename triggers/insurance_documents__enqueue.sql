-- triggers insurance_documents__enqueue_{insert,update,delete,truncate} on public.insurance_documents: queue refreshes of
-- the views that pgfresh.view_sources maps public.insurance_documents to (pgfresh.tg__enqueue_refresh).
-- An event here refreshes the alert candidates
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER insurance_documents__enqueue_insert
AFTER INSERT ON public.insurance_documents
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER insurance_documents__enqueue_update
AFTER UPDATE ON public.insurance_documents
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER insurance_documents__enqueue_delete
AFTER DELETE ON public.insurance_documents
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER insurance_documents__enqueue_truncate
AFTER TRUNCATE ON public.insurance_documents
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER insurance_documents__enqueue_insert ON public.insurance_documents IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.insurance_documents to.';
COMMENT ON TRIGGER insurance_documents__enqueue_update ON public.insurance_documents IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER insurance_documents__enqueue_delete ON public.insurance_documents IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.insurance_documents to.';
COMMENT ON TRIGGER insurance_documents__enqueue_truncate ON public.insurance_documents IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.insurance_documents to.';
