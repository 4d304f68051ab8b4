-- triggers payout_reconciliations__enqueue_{insert,update,delete,truncate} on public.payout_reconciliations: queue refreshes of
-- the views that pgfresh.view_sources maps public.payout_reconciliations to (pgfresh.tg__enqueue_refresh).
-- A payout or ledger event refreshes the financial summary
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER payout_reconciliations__enqueue_insert
AFTER INSERT ON public.payout_reconciliations
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payout_reconciliations__enqueue_update
AFTER UPDATE ON public.payout_reconciliations
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payout_reconciliations__enqueue_delete
AFTER DELETE ON public.payout_reconciliations
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER payout_reconciliations__enqueue_truncate
AFTER TRUNCATE ON public.payout_reconciliations
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER payout_reconciliations__enqueue_insert ON public.payout_reconciliations IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payout_reconciliations to.';
COMMENT ON TRIGGER payout_reconciliations__enqueue_update ON public.payout_reconciliations IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER payout_reconciliations__enqueue_delete ON public.payout_reconciliations IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payout_reconciliations to.';
COMMENT ON TRIGGER payout_reconciliations__enqueue_truncate ON public.payout_reconciliations IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.payout_reconciliations to.';
