-- analytics.mv_customer_cohorts: one row per local calendar month (business time zone) from
-- the first cohort to this month: the customers acquired that month (the cohort), how
-- many earlier customers came back that month, the cohort's retention and average
-- lifetime value, the cohort by current segment.
-- A customer (users.role = 'customer') is acquired in the month of the created_at of
-- their first booking that went ahead: status confirmed, active or completed. Pending,
-- cancelled and no-show bookings acquire nobody: a customer whose first booking was
-- cancelled joins the cohort of their first later booking that went ahead, and a
-- customer with only cancelled bookings is in no cohort.
-- Read by the growth dashboard. Refreshed nightly (02:00 local).
-- Measured (sample scale 1: 25k users, 100k bookings, 210k payments): REFRESH 0.5-0.8 s;
-- scale 2: 0.9-1.1 s.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_customer_cohorts AS
WITH
settings AS MATERIALIZED (
    SELECT
        z.tz,
        date_trunc('month', now() AT TIME ZONE z.tz)::date AS this_month
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- import CTEs

customers AS (
    SELECT u.id AS user_id
    FROM public.users AS u
    WHERE u.role = 'customer'
),

-- bookings that went ahead, by the local month they were made in
bookings_ahead AS (
    SELECT DISTINCT
        b.user_id,
        date_trunc('month', b.created_at AT TIME ZONE s.tz)::date AS booking_month
    FROM public.bookings AS b
    CROSS JOIN settings AS s
    WHERE b.status IN ('confirmed', 'active', 'completed')
),

-- succeeded payments, refunds negative
net_payments AS (
    SELECT
        p.user_id,
        CASE WHEN p.kind = 'refund' THEN -p.amount ELSE p.amount END AS amount
    FROM public.payments AS p
    WHERE p.status = 'succeeded'
),

-- a customer's current segment: the latest assigned_at (ties: the greatest id)
current_segments AS (
    SELECT DISTINCT ON (cs.user_id)
        cs.user_id,
        cs.segment
    FROM public.customer_segments AS cs
    ORDER BY cs.user_id ASC, cs.assigned_at DESC, cs.id DESC
),

-- metrics

customer_cohort AS (
    SELECT
        ba.user_id,
        min(ba.booking_month) AS cohort_month
    FROM bookings_ahead AS ba
    INNER JOIN customers AS c ON ba.user_id = c.user_id
    GROUP BY ba.user_id
),

lifetime_value AS (
    SELECT
        np.user_id,
        sum(np.amount) AS ltv
    FROM net_payments AS np
    GROUP BY np.user_id
),

cohort_size AS (
    SELECT
        cc.cohort_month,
        count(*) AS new_customers,
        round(avg(coalesce(lv.ltv, 0)), 2) AS avg_ltv,
        count(*) FILTER (WHERE seg.segment = 'consumer') AS consumer,
        count(*) FILTER (WHERE seg.segment = 'contractor') AS contractor,
        count(*) FILTER (WHERE seg.segment = 'business') AS business,
        count(*) FILTER (WHERE seg.segment = 'enterprise') AS enterprise,
        count(*) FILTER (WHERE seg.segment IS NULL) AS unassigned
    FROM customer_cohort AS cc
    LEFT JOIN lifetime_value AS lv ON cc.user_id = lv.user_id
    LEFT JOIN current_segments AS seg ON cc.user_id = seg.user_id
    GROUP BY cc.cohort_month
),

-- customers acquired before the month who made a booking that went ahead in it
returning_by_month AS (
    SELECT
        ba.booking_month AS cohort_month,
        count(*) AS returning_customers
    FROM bookings_ahead AS ba
    INNER JOIN customer_cohort AS cc ON ba.user_id = cc.user_id
    WHERE ba.booking_month > cc.cohort_month
    GROUP BY ba.booking_month
),

-- cohort customers who made a booking that went ahead in a later month (so far)
retained_by_cohort AS (
    SELECT
        cc.cohort_month,
        count(DISTINCT cc.user_id) AS retained_customers
    FROM customer_cohort AS cc
    INNER JOIN bookings_ahead AS ba
        ON cc.user_id = ba.user_id AND cc.cohort_month < ba.booking_month
    GROUP BY cc.cohort_month
),

first_cohort AS (
    SELECT min(cc.cohort_month) AS first_month
    FROM customer_cohort AS cc
),

calendar AS (
    SELECT (f.first_month + make_interval(months => g.n))::date AS cohort_month
    FROM settings AS s
    CROSS JOIN first_cohort AS f
    CROSS JOIN LATERAL generate_series(
        0,
        12 * (extract(YEAR FROM s.this_month) - extract(YEAR FROM f.first_month))::integer
        + (extract(MONTH FROM s.this_month) - extract(MONTH FROM f.first_month))::integer
    ) AS g (n)
),

final AS (
    SELECT
        c.cohort_month,
        coalesce(cs.new_customers, 0) AS new_customers,
        coalesce(rm.returning_customers, 0) AS returning_customers,
        coalesce(rc.retained_customers, 0) AS retained_customers,
        round(coalesce(rc.retained_customers, 0)::numeric / nullif(cs.new_customers, 0), 4) AS retention_rate,
        cs.avg_ltv,
        jsonb_build_object(
            'consumer', coalesce(cs.consumer, 0),
            'contractor', coalesce(cs.contractor, 0),
            'business', coalesce(cs.business, 0),
            'enterprise', coalesce(cs.enterprise, 0),
            'unassigned', coalesce(cs.unassigned, 0)
        ) AS segment_counts
    FROM calendar AS c
    LEFT JOIN cohort_size AS cs ON c.cohort_month = cs.cohort_month
    LEFT JOIN returning_by_month AS rm ON c.cohort_month = rm.cohort_month
    LEFT JOIN retained_by_cohort AS rc ON c.cohort_month = rc.cohort_month
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_customer_cohorts_cohort_month_idx
ON analytics.mv_customer_cohorts (cohort_month);

COMMENT ON MATERIALIZED VIEW analytics.mv_customer_cohorts IS
'One row per local month (pgfresh.setting(''business_timezone'')) from the first cohort to this month. A customer''s cohort is the month of the created_at of their first confirmed/active/completed booking (a first booking that was cancelled does not count). As of the refresh.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.cohort_month IS
'First day of the local month.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.new_customers IS
'Customers acquired that month: the size of the cohort.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.returning_customers IS
'Customers of earlier cohorts who made a confirmed/active/completed booking that month (an activity count of the month, not of the cohort).';
COMMENT ON COLUMN analytics.mv_customer_cohorts.retained_customers IS
'Customers of this cohort who made a confirmed/active/completed booking in any later month, so far.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.retention_rate IS
'retained_customers / new_customers, 4 decimals; NULL when the cohort is empty.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.avg_ltv IS
'Average lifetime value of the cohort''s customers: all their succeeded payments (deposits, balances) minus succeeded refunds, any booking, any month, to date; 2 decimals; NULL when the cohort is empty.';
COMMENT ON COLUMN analytics.mv_customer_cohorts.segment_counts IS
'The cohort by current customer segment (latest customer_segments.assigned_at): {"consumer", "contractor", "business", "enterprise", "unassigned"} -> count (contracts/mv_customer_cohorts.segment_counts.schema.json).';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_customer_cohorts TO dashboard_reader;
