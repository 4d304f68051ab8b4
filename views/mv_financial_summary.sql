-- analytics.mv_financial_summary: one row per local calendar day (business time zone) of
-- finance KPIs: Stripe vs manual collections, refunds, fees, ledger net, payouts arrived
-- and still pending, and the accounts-receivable balance (outstanding installments) at
-- the end of the day. Read by the finance dashboard. Refreshed hourly and after payouts.
-- Full refresh, sample data, 2 shared cores at load 4-6: scale 1 (211k payments, 371k ledger
-- rows, 200k installments) 1.6-6.1 s, scale 3 (1.1M ledger rows) 6.8-9.3 s. Inlining the
-- import CTEs (NOT MATERIALIZED) was 1.5 to 2 times slower.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_financial_summary AS
WITH
settings AS (
    SELECT
        z.tz,
        (now() AT TIME ZONE z.tz)::date AS today
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- Import: succeeded payments (deposits, balances, refunds) with the local day of paid_at.
succeeded_payments AS (
    SELECT
        p.kind,
        p.method,
        p.amount,
        (p.paid_at AT TIME ZONE s.tz)::date AS paid_date
    FROM public.payments AS p
    CROSS JOIN settings AS s
    WHERE
        p.status = 'succeeded'
        AND p.paid_at IS NOT NULL
),

-- Import: money staff received outside Stripe, by the local day it was received.
manual_receipts AS (
    SELECT
        m.amount,
        m.payment_id,
        (m.received_at AT TIME ZONE s.tz)::date AS received_date
    FROM public.manual_payments AS m
    CROSS JOIN settings AS s
),

-- Import: Stripe payouts that did not fail. A payout is on its way from the day it was
-- created until the day it arrived in the bank: arrived_at, or for a payout Stripe
-- reports paid (or finance reconciled) without arrived_at, Stripe's expected_at.
-- Failed payouts never arrive and the table does not say when they failed.
payouts AS (
    SELECT
        po.amount,
        (po.created_at AT TIME ZONE s.tz)::date AS created_date,
        (
            coalesce(po.arrived_at, CASE WHEN po.status IN ('paid', 'reconciled') THEN po.expected_at END)
            AT TIME ZONE s.tz
        )::date AS arrived_date
    FROM public.payout_reconciliations AS po
    CROSS JOIN settings AS s
    WHERE po.status <> 'failed'
),

-- Import: ledger rows (signed amounts) by the local day they occurred.
ledger AS (
    SELECT
        ft.kind,
        ft.amount,
        (ft.occurred_at AT TIME ZONE s.tz)::date AS occurred_date
    FROM public.financial_transactions AS ft
    CROSS JOIN settings AS s
),

-- Import: installments that are not cancelled. One is outstanding from the local day it
-- was created until the local day it was paid (paid_at is set exactly when status is
-- paid); it is overdue from the day after its due day.
installments AS (
    SELECT
        ps.amount_due,
        (ps.created_at AT TIME ZONE s.tz)::date AS created_date,
        (ps.due_at AT TIME ZONE s.tz)::date + 1 AS overdue_from,
        (ps.paid_at AT TIME ZONE s.tz)::date AS paid_date
    FROM public.payment_schedules AS ps
    CROSS JOIN settings AS s
    WHERE ps.status <> 'cancelled'
),

-- The first and last day each source has an event on (one scan of each).
source_days AS (
    SELECT
        min(paid_date) AS first_day,
        max(paid_date) AS last_day
    FROM succeeded_payments
    UNION ALL
    SELECT
        min(received_date) AS first_day,
        max(received_date) AS last_day
    FROM manual_receipts
    UNION ALL
    SELECT
        min(occurred_date) AS first_day,
        max(occurred_date) AS last_day
    FROM ledger
    UNION ALL
    SELECT
        min(created_date) AS first_day,
        NULL::date AS last_day
    FROM payouts
    UNION ALL
    SELECT
        min(created_date) AS first_day,
        NULL::date AS last_day
    FROM installments
),

-- The calendar: from the first event (or today) to the last payment, receipt or ledger day (or today).
-- Materialized: computed once, not once per use.
calendar_bounds AS MATERIALIZED (
    SELECT
        least(min(sd.first_day), s.today) AS first_day,
        greatest(max(sd.last_day), s.today) AS last_day
    FROM settings AS s
    CROSS JOIN source_days AS sd
    GROUP BY s.today
),

calendar AS (
    SELECT cb.first_day + g.i AS snapshot_date
    FROM calendar_bounds AS cb
    CROSS JOIN LATERAL generate_series(0, cb.last_day - cb.first_day) AS g (i)
),

stripe_collections_by_day AS (
    SELECT
        paid_date AS snapshot_date,
        sum(amount) AS stripe_collections
    FROM succeeded_payments
    WHERE method = 'stripe' AND kind IN ('deposit', 'balance')
    GROUP BY paid_date
),

refunds_by_day AS (
    SELECT
        paid_date AS snapshot_date,
        sum(amount) AS refunds
    FROM succeeded_payments
    WHERE kind = 'refund'
    GROUP BY paid_date
),

manual_collections_by_day AS (
    SELECT
        received_date AS snapshot_date,
        sum(amount) AS manual_collections,
        coalesce(sum(amount) FILTER (WHERE payment_id IS NULL), 0) AS manual_unposted
    FROM manual_receipts
    GROUP BY received_date
),

ledger_by_day AS (
    SELECT
        occurred_date AS snapshot_date,
        coalesce(-sum(amount) FILTER (WHERE kind = 'fee'), 0) AS fees,
        coalesce(sum(amount) FILTER (WHERE kind <> 'payout'), 0) AS ledger_net
    FROM ledger
    GROUP BY occurred_date
),

payouts_arrived_by_day AS (
    SELECT
        arrived_date AS snapshot_date,
        sum(amount) AS payouts_arrived
    FROM payouts
    WHERE arrived_date IS NOT NULL
    GROUP BY arrived_date
),

-- Pending payouts at the end of a day: +amount on the day created, -amount on the day
-- arrived; the running sum over the calendar is the amount still on its way.
payouts_pending_changes AS (
    SELECT
        created_date AS snapshot_date,
        amount,
        1 AS n
    FROM payouts
    WHERE arrived_date IS NULL OR arrived_date > created_date
    UNION ALL
    SELECT
        arrived_date AS snapshot_date,
        -amount AS amount,
        -1 AS n
    FROM payouts
    WHERE arrived_date > created_date
),

payouts_pending_by_day AS (
    SELECT
        snapshot_date,
        sum(amount) AS amount,
        sum(n) AS n
    FROM payouts_pending_changes
    GROUP BY snapshot_date
),

-- Accounts receivable at the end of a day, the same way: an installment adds its
-- amount_due on the day it was created and takes it back on the day it was paid;
-- the overdue part, from the day after its due day.
ar_changes AS (
    SELECT
        created_date AS snapshot_date,
        amount_due AS ar,
        0 AS overdue
    FROM installments
    WHERE paid_date IS NULL OR paid_date > created_date
    UNION ALL
    SELECT
        paid_date AS snapshot_date,
        -amount_due AS ar,
        0 AS overdue
    FROM installments
    WHERE paid_date > created_date
    UNION ALL
    SELECT
        greatest(created_date, overdue_from) AS snapshot_date,
        0 AS ar,
        amount_due AS overdue
    FROM installments
    WHERE paid_date IS NULL OR paid_date > greatest(created_date, overdue_from)
    UNION ALL
    SELECT
        paid_date AS snapshot_date,
        0 AS ar,
        -amount_due AS overdue
    FROM installments
    WHERE paid_date > greatest(created_date, overdue_from)
),

ar_by_day AS (
    SELECT
        snapshot_date,
        sum(ar) AS ar,
        sum(overdue) AS overdue
    FROM ar_changes
    GROUP BY snapshot_date
),

balances AS (
    SELECT
        c.snapshot_date,
        sum(coalesce(pp.amount, 0)) OVER w AS payouts_pending,
        sum(coalesce(pp.n, 0)) OVER w AS payouts_pending_count,
        sum(coalesce(ar.ar, 0)) OVER w AS ar_balance,
        sum(coalesce(ar.overdue, 0)) OVER w AS ar_overdue
    FROM calendar AS c
    LEFT JOIN payouts_pending_by_day AS pp ON c.snapshot_date = pp.snapshot_date
    LEFT JOIN ar_by_day AS ar ON c.snapshot_date = ar.snapshot_date
    WINDOW w AS (ORDER BY c.snapshot_date)
),

final AS (
    SELECT
        c.snapshot_date,
        coalesce(sc.stripe_collections, 0)::numeric(14, 2) AS stripe_collections,
        coalesce(mc.manual_collections, 0)::numeric(14, 2) AS manual_collections,
        (coalesce(sc.stripe_collections, 0) + coalesce(mc.manual_collections, 0))::numeric(14, 2)
            AS total_collections,
        coalesce(mc.manual_unposted, 0)::numeric(14, 2) AS manual_unposted,
        coalesce(rf.refunds, 0)::numeric(14, 2) AS refunds,
        coalesce(lg.fees, 0)::numeric(14, 2) AS fees,
        coalesce(lg.ledger_net, 0)::numeric(14, 2) AS ledger_net,
        coalesce(pa.payouts_arrived, 0)::numeric(14, 2) AS payouts_arrived,
        b.payouts_pending::numeric(14, 2) AS payouts_pending,
        b.payouts_pending_count::integer AS payouts_pending_count,
        b.ar_balance::numeric(14, 2) AS ar_balance,
        b.ar_overdue::numeric(14, 2) AS ar_overdue
    FROM calendar AS c
    INNER JOIN balances AS b ON c.snapshot_date = b.snapshot_date
    LEFT JOIN stripe_collections_by_day AS sc ON c.snapshot_date = sc.snapshot_date
    LEFT JOIN manual_collections_by_day AS mc ON c.snapshot_date = mc.snapshot_date
    LEFT JOIN refunds_by_day AS rf ON c.snapshot_date = rf.snapshot_date
    LEFT JOIN ledger_by_day AS lg ON c.snapshot_date = lg.snapshot_date
    LEFT JOIN payouts_arrived_by_day AS pa ON c.snapshot_date = pa.snapshot_date
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_financial_summary_snapshot_date_idx
ON analytics.mv_financial_summary (snapshot_date);

COMMENT ON MATERIALIZED VIEW analytics.mv_financial_summary IS
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
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_financial_summary TO dashboard_reader;
