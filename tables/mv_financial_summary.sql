-- analytics.mv_financial_summary: one row per local calendar day (business time zone) of
-- finance KPIs: Stripe vs manual collections, refunds, fees, ledger net, payouts arrived
-- and still pending, and the accounts-receivable balance (outstanding installments) at
-- the end of the day. Read by the finance dashboard. Refreshed hourly and after payouts.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, tables/view_sources.sql, tables/source_changes.sql
-- An incremental managed relation: a table, not a materialized view, kept by
-- pgfresh._apply_mv_financial_summary from the row definition in
-- views/mv_financial_summary.sql (pgfresh.mv_financial_summary_rows). A refresh deletes
-- and re-inserts only the days the recorded changes dirty (a day's flows: that day;
-- balances carried forward: that day onward) and the days that entered or left the
-- calendar, in one transaction: readers never wait and never see a half-applied refresh.
-- Same name, columns and unique key (snapshot_date) as the materialized view it replaces.
CREATE TABLE analytics.mv_financial_summary (
    snapshot_date date NOT NULL,
    stripe_collections numeric(14, 2) NOT NULL,
    manual_collections numeric(14, 2) NOT NULL,
    total_collections numeric(14, 2) NOT NULL,
    manual_unposted numeric(14, 2) NOT NULL,
    refunds numeric(14, 2) NOT NULL,
    fees numeric(14, 2) NOT NULL,
    ledger_net numeric(14, 2) NOT NULL,
    payouts_arrived numeric(14, 2) NOT NULL,
    payouts_pending numeric(14, 2) NOT NULL,
    payouts_pending_count integer NOT NULL,
    ar_balance numeric(14, 2) NOT NULL,
    ar_overdue numeric(14, 2) NOT NULL,
    CONSTRAINT mv_financial_summary_pkey PRIMARY KEY (snapshot_date)
);

COMMENT ON TABLE analytics.mv_financial_summary IS
'One row per local day (pgfresh.setting(''business_timezone'')), from the first finance event (or today) to today (or the last payment, receipt or ledger day): collections by channel that day, refunds, fees, ledger net, payouts, and balances at the end of the day (payouts pending, accounts receivable). Amounts in the platform currency; today''s balances are as of the refresh.';
COMMENT ON COLUMN analytics.mv_financial_summary.stripe_collections IS
'Succeeded payments with method stripe and kind deposit or balance, by the local day of paid_at.';
COMMENT ON COLUMN analytics.mv_financial_summary.manual_collections IS
'Money staff recorded as received outside Stripe (manual_payments.amount) by the local day of received_at, posted as a payment or not.';
COMMENT ON COLUMN analytics.mv_financial_summary.total_collections IS
'stripe_collections + manual_collections.';
COMMENT ON COLUMN analytics.mv_financial_summary.manual_unposted IS
'Part of manual_collections not yet linked to a payments row (manual_payments.payment_id IS NULL): received but not posted.';
COMMENT ON COLUMN analytics.mv_financial_summary.refunds IS
'Succeeded refunds (Stripe and manual, positive amounts) by the local day of the refund''s paid_at.';
COMMENT ON COLUMN analytics.mv_financial_summary.fees IS
'Fees charged to the business that day: minus the sum of financial_transactions.amount of kind fee (fees are negative in the ledger), by the local day of occurred_at.';
COMMENT ON COLUMN analytics.mv_financial_summary.ledger_net IS
'Sum of signed financial_transactions.amount of that local day, payouts excluded (they move money between the business''s own accounts).';
COMMENT ON COLUMN analytics.mv_financial_summary.payouts_arrived IS
'Stripe payouts (not failed) that arrived in the bank that local day: arrived_at, or expected_at for a payout with status paid or reconciled and no arrived_at.';
COMMENT ON COLUMN analytics.mv_financial_summary.payouts_pending IS
'At the end of the local day: payouts (not failed) created on or before it that had not arrived by then (arrival day as in payouts_arrived, NULL or later).';
COMMENT ON COLUMN analytics.mv_financial_summary.payouts_pending_count IS
'Number of the payouts summed in payouts_pending.';
COMMENT ON COLUMN analytics.mv_financial_summary.ar_balance IS
'Accounts receivable at the end of the local day: amount_due of installments (payment_schedules, not cancelled) created on or before it and not paid by then (paid_at NULL or on a later day).';
COMMENT ON COLUMN analytics.mv_financial_summary.ar_overdue IS
'Part of ar_balance whose due day (local day of due_at) is before that day.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics). Only the owner writes.
GRANT SELECT ON analytics.mv_financial_summary TO dashboard_reader;

-- Which changes feed it (data, like the seed rows of tables/view_sources.sql, whose three
-- rows for this view keep their meaning: any change of payments, payouts and the ledger):
-- every source it reads, installments and manual receipts too, and the settings (business
-- time zone).
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.payments', 'mv_financial_summary', NULL),
('public.payout_reconciliations', 'mv_financial_summary', NULL),
('public.financial_transactions', 'mv_financial_summary', NULL),
('public.payment_schedules', 'mv_financial_summary', NULL),
('public.manual_payments', 'mv_financial_summary', NULL),
('pgfresh.settings', 'mv_financial_summary', '{business_timezone}')
ON CONFLICT (source_table, view_name) DO UPDATE SET update_columns = excluded.update_columns;
