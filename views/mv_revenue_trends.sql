-- analytics.mv_revenue_trends: one row per local calendar day (business time zone) of the
-- money customers paid and were refunded: gross, deposits vs balance payments, refunds,
-- net, and what the payment schedule said was due that day.
-- Read by the admin revenue charts. Refreshed hourly.
-- Full refresh, sample data, 2 shared cores at load 4-6: scale 1 (211k payments, 200k
-- installments) 0.5-2.6 s, scale 3 (624k payments) 2.6-4.7 s.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_revenue_trends AS
WITH
settings AS (
    SELECT
        z.tz,
        (now() AT TIME ZONE z.tz)::date AS today
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- Import: succeeded payments with the local day of paid_at. Pending and failed
-- payments moved no money and are left out.
succeeded_payments AS (
    SELECT
        p.kind,
        p.amount,
        (p.paid_at AT TIME ZONE s.tz)::date AS paid_date
    FROM public.payments AS p
    CROSS JOIN settings AS s
    WHERE
        p.status = 'succeeded'
        AND p.paid_at IS NOT NULL
),

-- Import: installments that are still owed or were paid (cancelled ones are not due).
installments AS (
    SELECT
        ps.amount_due,
        (ps.due_at AT TIME ZONE s.tz)::date AS due_date
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
        min(due_date) AS first_day,
        NULL::date AS last_day
    FROM installments
),

-- The calendar: from the first payment or due date (or today) to the last payment (or today).
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
    SELECT cb.first_day + g.i AS bucket_date
    FROM calendar_bounds AS cb
    CROSS JOIN LATERAL generate_series(0, cb.last_day - cb.first_day) AS g (i)
),

collections_by_day AS (
    SELECT
        paid_date AS bucket_date,
        sum(amount) AS gross_revenue,
        sum(amount) FILTER (WHERE kind = 'deposit') AS deposits,
        sum(amount) FILTER (WHERE kind = 'balance') AS balance,
        count(*) AS payments_count
    FROM succeeded_payments
    WHERE kind IN ('deposit', 'balance')
    GROUP BY paid_date
),

refunds_by_day AS (
    SELECT
        paid_date AS bucket_date,
        sum(amount) AS refunds,
        count(*) AS refunds_count
    FROM succeeded_payments
    WHERE kind = 'refund'
    GROUP BY paid_date
),

scheduled_by_day AS (
    SELECT
        due_date AS bucket_date,
        sum(amount_due) AS scheduled_due
    FROM installments
    GROUP BY due_date
),

final AS (
    SELECT
        c.bucket_date,
        coalesce(cd.gross_revenue, 0)::numeric(14, 2) AS gross_revenue,
        coalesce(cd.deposits, 0)::numeric(14, 2) AS deposits,
        coalesce(cd.balance, 0)::numeric(14, 2) AS balance,
        coalesce(rd.refunds, 0)::numeric(14, 2) AS refunds,
        (coalesce(cd.gross_revenue, 0) - coalesce(rd.refunds, 0))::numeric(14, 2) AS net_revenue,
        coalesce(cd.payments_count, 0) AS payments_count,
        coalesce(rd.refunds_count, 0) AS refunds_count,
        coalesce(sd.scheduled_due, 0)::numeric(14, 2) AS scheduled_due
    FROM calendar AS c
    LEFT JOIN collections_by_day AS cd ON c.bucket_date = cd.bucket_date
    LEFT JOIN refunds_by_day AS rd ON c.bucket_date = rd.bucket_date
    LEFT JOIN scheduled_by_day AS sd ON c.bucket_date = sd.bucket_date
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_revenue_trends_bucket_date_idx
ON analytics.mv_revenue_trends (bucket_date);

COMMENT ON MATERIALIZED VIEW analytics.mv_revenue_trends IS
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
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_revenue_trends TO dashboard_reader;
