-- triggers financial_transactions__enqueue_{insert,update,delete,truncate} on public.financial_transactions: queue refreshes of
-- the views that pgfresh.view_sources maps public.financial_transactions to (pgfresh.tg__enqueue_refresh).
-- A payout or ledger event refreshes the financial summary
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER financial_transactions__enqueue_insert
AFTER INSERT ON public.financial_transactions
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER financial_transactions__enqueue_update
AFTER UPDATE ON public.financial_transactions
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER financial_transactions__enqueue_delete
AFTER DELETE ON public.financial_transactions
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER financial_transactions__enqueue_truncate
AFTER TRUNCATE ON public.financial_transactions
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER financial_transactions__enqueue_insert ON public.financial_transactions IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.financial_transactions to.';
COMMENT ON TRIGGER financial_transactions__enqueue_update ON public.financial_transactions IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER financial_transactions__enqueue_delete ON public.financial_transactions IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.financial_transactions to.';
COMMENT ON TRIGGER financial_transactions__enqueue_truncate ON public.financial_transactions IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.financial_transactions to.';
