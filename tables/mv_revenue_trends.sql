-- analytics.mv_revenue_trends: one row per local calendar day (business time zone) of the
-- money customers paid and were refunded: gross, deposits vs balance payments, refunds,
-- net, and what the payment schedule said was due that day.
-- Read by the admin revenue charts. Refreshed hourly.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, tables/view_sources.sql
-- An incremental managed relation: a table, not a materialized view, kept by
-- pgfresh._apply_mv_revenue_trends from the row definition in views/mv_revenue_trends.sql
-- (pgfresh.mv_revenue_trends_rows). A refresh deletes and re-inserts only the local days
-- the recorded changes of its sources touched and the days that entered or left the
-- calendar, in one transaction: readers never wait and never see a half-applied refresh.
-- Same name, columns and unique key as the materialized view it replaces.
CREATE TABLE analytics.mv_revenue_trends (
    bucket_date date NOT NULL,
    gross_revenue numeric(14, 2) NOT NULL,
    deposits numeric(14, 2) NOT NULL,
    balance numeric(14, 2) NOT NULL,
    refunds numeric(14, 2) NOT NULL,
    net_revenue numeric(14, 2) NOT NULL,
    payments_count bigint NOT NULL,
    refunds_count bigint NOT NULL,
    scheduled_due numeric(14, 2) NOT NULL,
    CONSTRAINT mv_revenue_trends_pkey PRIMARY KEY (bucket_date)
);

COMMENT ON TABLE analytics.mv_revenue_trends IS
'One row per local day (pgfresh.setting(''business_timezone'')), with zeros on days without payments, from the first payment or installment due date (or today) to today (or the last payment day): money collected (succeeded payments by the local day of paid_at), split into deposits and balance payments (payments.kind), refunds (by the refund''s own paid_at), net, and installments due that day. Amounts in the platform currency.';
COMMENT ON COLUMN analytics.mv_revenue_trends.gross_revenue IS
'Sum of succeeded deposit and balance payments (Stripe and manual) whose paid_at falls on that local day. Equals deposits + balance.';
COMMENT ON COLUMN analytics.mv_revenue_trends.deposits IS
'Succeeded payments of kind deposit paid that local day.';
COMMENT ON COLUMN analytics.mv_revenue_trends.balance IS
'Succeeded payments of kind balance (the rest of the rental price after the deposit) paid that local day.';
COMMENT ON COLUMN analytics.mv_revenue_trends.refunds IS
'Succeeded refunds (positive amounts) whose own paid_at falls on that local day, whenever the refunded payment was made.';
COMMENT ON COLUMN analytics.mv_revenue_trends.net_revenue IS
'gross_revenue - refunds; negative on a day refunds exceed collections.';
COMMENT ON COLUMN analytics.mv_revenue_trends.payments_count IS
'Number of succeeded deposit and balance payments paid that local day.';
COMMENT ON COLUMN analytics.mv_revenue_trends.refunds_count IS
'Number of succeeded refunds paid that local day.';
COMMENT ON COLUMN analytics.mv_revenue_trends.scheduled_due IS
'Sum of amount_due of installments (payment_schedules, not cancelled, paid or not) whose due_at falls on that local day: what customers were due to pay.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics). Only the owner writes.
GRANT SELECT ON analytics.mv_revenue_trends TO dashboard_reader;

-- Which changes feed it (data, like the seed rows of tables/view_sources.sql): every
-- source it reads, and of each every column it reads; the business time zone setting.
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.payments', 'mv_revenue_trends', '{status,kind,amount,paid_at}'),
('public.payment_schedules', 'mv_revenue_trends', '{status,amount_due,due_at}'),
('pgfresh.settings', 'mv_revenue_trends', '{business_timezone}')
ON CONFLICT (source_table, view_name) DO UPDATE SET update_columns = excluded.update_columns;
