-- analytics.mv_dashboard_kpis: one row per local calendar day (business time zone) with
-- the admin dashboard's headline numbers in one JSONB bundle (bookings, revenue,
-- utilization, active customers, outstanding and overdue balances, overdue insurance),
-- each with day-over-day and week-over-week growth, and the alert flags they raise
-- against thresholds read from pgfresh settings. Refreshed every 15 minutes in business
-- hours, hourly otherwise.
-- Full refresh, sample data, 2 shared cores at load 4-6: scale 1 (100k bookings, 682k
-- utilization rows) 3.4-7.8 s, scale 3 (296k bookings, 1.8M utilization rows) 8.6-13.6 s.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql, functions/kpi_growth.sql
CREATE MATERIALIZED VIEW analytics.mv_dashboard_kpis AS
WITH
settings AS (
    SELECT
        z.tz,
        (now() AT TIME ZONE z.tz)::date AS today,
        pgfresh.setting('kpi_bookings_drop_pct')::numeric AS bookings_drop_pct,
        pgfresh.setting('kpi_revenue_drop_pct')::numeric AS revenue_drop_pct,
        pgfresh.setting('kpi_low_utilization_pct')::numeric AS low_utilization_pct,
        pgfresh.setting('kpi_overdue_share_pct')::numeric AS overdue_share_pct,
        pgfresh.setting('kpi_insurance_overdue_count')::numeric AS insurance_overdue_count
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- Import: bookings with local creation day and local rental period.
bookings AS (
    SELECT
        b.user_id,
        b.status,
        (b.created_at AT TIME ZONE s.tz)::date AS created_date,
        (b.start_at AT TIME ZONE s.tz)::date AS first_rental_date,
        -- the period is [start_at, end_at): one ending at local midnight does not touch the next day
        ((b.end_at AT TIME ZONE s.tz) - interval '1 microsecond')::date AS last_rental_date
    FROM public.bookings AS b
    CROSS JOIN settings AS s
),

-- Import: succeeded payments; refunds count negative.
payments AS (
    SELECT
        (p.paid_at AT TIME ZONE s.tz)::date AS paid_date,
        CASE WHEN p.kind = 'refund' THEN -p.amount ELSE p.amount END AS signed_amount
    FROM public.payments AS p
    CROSS JOIN settings AS s
    WHERE
        p.status = 'succeeded'
        AND p.paid_at IS NOT NULL
),

-- Import: daily machine hours (usage_date is already a local day).
utilization AS (
    SELECT
        u.usage_date,
        u.hours_used,
        u.hours_available
    FROM public.equipment_utilization AS u
),

-- Import: installments not cancelled; outstanding from the local day created until the
-- local day paid; overdue from the day after the due day.
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

-- Import: insurance documents awaiting review from the local day submitted until the
-- local day reviewed (approved and rejected rows always have reviewed_at; an expired one
-- without it counts as reviewed when submitted); overdue from the day after the due day.
insurance AS (
    SELECT
        (i.submitted_at AT TIME ZONE s.tz)::date AS submitted_date,
        (i.due_at AT TIME ZONE s.tz)::date + 1 AS overdue_from,
        (
            coalesce(i.reviewed_at, CASE WHEN i.status <> 'pending' THEN i.submitted_at END) AT TIME ZONE s.tz
        )::date AS reviewed_date
    FROM public.insurance_documents AS i
    CROSS JOIN settings AS s
),

-- The first and last day each source has an event on (one scan of each).
source_days AS (
    SELECT
        min(created_date) AS first_day,
        max(created_date) AS last_day
    FROM bookings
    UNION ALL
    SELECT
        min(paid_date) AS first_day,
        max(paid_date) AS last_day
    FROM payments
    UNION ALL
    SELECT
        min(usage_date) AS first_day,
        max(usage_date) AS last_day
    FROM utilization
    UNION ALL
    SELECT
        min(created_date) AS first_day,
        NULL::date AS last_day
    FROM installments
    UNION ALL
    SELECT
        min(submitted_date) AS first_day,
        NULL::date AS last_day
    FROM insurance
),

-- The calendar: from the first event (or today) to the last booking, payment or utilization day (or today).
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

bookings_by_day AS (
    SELECT
        created_date AS snapshot_date,
        count(*) AS bookings
    FROM bookings
    GROUP BY created_date
),

revenue_by_day AS (
    SELECT
        paid_date AS snapshot_date,
        sum(signed_amount) AS revenue
    FROM payments
    GROUP BY paid_date
),

utilization_by_day AS (
    SELECT
        usage_date AS snapshot_date,
        round(100 * sum(hours_used) / nullif(sum(hours_available), 0), 2) AS utilization
    FROM utilization
    GROUP BY usage_date
),

-- A customer is active on a day when one of their bookings that went ahead (confirmed,
-- active, completed) is on rent during part of it. A customer's overlapping rentals are
-- first merged into stretches of days (a stretch starts with a rental that begins after
-- all their earlier ones ended), so each customer counts once a day: +1 on the first day
-- of a stretch, -1 the day after its last, running sum over the calendar. (Expanding each
-- rental into its days gives the same rows, but the planner then guesses 1000 days per
-- rental and JIT, on by default, took the refresh at scale 1 from 3-7 s to 13-18 s.)
rentals AS (
    SELECT
        user_id,
        first_rental_date,
        last_rental_date,
        max(last_rental_date) OVER (
            PARTITION BY user_id ORDER BY first_rental_date, last_rental_date
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS earlier_rentals_end
    FROM bookings
    WHERE status IN ('confirmed', 'active', 'completed')
),

rental_stretches AS (
    SELECT
        user_id,
        first_rental_date,
        last_rental_date,
        count(*) FILTER (WHERE first_rental_date > coalesce(earlier_rentals_end, '-infinity')) OVER (
            PARTITION BY user_id ORDER BY first_rental_date, last_rental_date
            ROWS UNBOUNDED PRECEDING
        ) AS stretch
    FROM rentals
),

customer_stretches AS (
    SELECT
        min(first_rental_date) AS first_day,
        max(last_rental_date) AS last_day
    FROM rental_stretches
    GROUP BY user_id, stretch
),

-- Days before the calendar are folded into its first day, so that a stretch which began
-- earlier (a booking entered after its rental started) still counts.
active_customer_changes AS (
    SELECT
        greatest(cs.first_day, cb.first_day) AS snapshot_date,
        1 AS n
    FROM customer_stretches AS cs
    CROSS JOIN calendar_bounds AS cb
    UNION ALL
    SELECT
        greatest(cs.last_day + 1, cb.first_day) AS snapshot_date,
        -1 AS n
    FROM customer_stretches AS cs
    CROSS JOIN calendar_bounds AS cb
),

active_customer_changes_by_day AS (
    SELECT
        snapshot_date,
        sum(n) AS n
    FROM active_customer_changes
    GROUP BY snapshot_date
),

-- Balances at the end of a day: +amount on the day an installment starts to count,
-- -amount on the day it is paid; running sums over the calendar.
balance_changes AS (
    SELECT
        created_date AS snapshot_date,
        amount_due AS outstanding,
        0 AS overdue
    FROM installments
    WHERE paid_date IS NULL OR paid_date > created_date
    UNION ALL
    SELECT
        paid_date AS snapshot_date,
        -amount_due AS outstanding,
        0 AS overdue
    FROM installments
    WHERE paid_date > created_date
    UNION ALL
    SELECT
        greatest(created_date, overdue_from) AS snapshot_date,
        0 AS outstanding,
        amount_due AS overdue
    FROM installments
    WHERE paid_date IS NULL OR paid_date > greatest(created_date, overdue_from)
    UNION ALL
    SELECT
        paid_date AS snapshot_date,
        0 AS outstanding,
        -amount_due AS overdue
    FROM installments
    WHERE paid_date > greatest(created_date, overdue_from)
),

balance_changes_by_day AS (
    SELECT
        snapshot_date,
        sum(outstanding) AS outstanding,
        sum(overdue) AS overdue
    FROM balance_changes
    GROUP BY snapshot_date
),

insurance_overdue_changes AS (
    SELECT
        greatest(submitted_date, overdue_from) AS snapshot_date,
        1 AS n
    FROM insurance
    WHERE reviewed_date IS NULL OR reviewed_date > greatest(submitted_date, overdue_from)
    UNION ALL
    SELECT
        reviewed_date AS snapshot_date,
        -1 AS n
    FROM insurance
    WHERE reviewed_date > greatest(submitted_date, overdue_from)
),

insurance_overdue_changes_by_day AS (
    SELECT
        snapshot_date,
        sum(n) AS n
    FROM insurance_overdue_changes
    GROUP BY snapshot_date
),

daily AS (
    SELECT
        c.snapshot_date,
        coalesce(bk.bookings, 0)::numeric AS bookings,
        coalesce(rv.revenue, 0)::numeric(14, 2) AS revenue,
        ut.utilization,
        (sum(coalesce(ac.n, 0)) OVER w)::numeric AS active_customers,
        (sum(coalesce(bc.outstanding, 0)) OVER w)::numeric(14, 2) AS outstanding_balances,
        (sum(coalesce(bc.overdue, 0)) OVER w)::numeric(14, 2) AS overdue_balances,
        (sum(coalesce(io.n, 0)) OVER w)::numeric AS insurance_overdue
    FROM calendar AS c
    LEFT JOIN bookings_by_day AS bk ON c.snapshot_date = bk.snapshot_date
    LEFT JOIN revenue_by_day AS rv ON c.snapshot_date = rv.snapshot_date
    LEFT JOIN utilization_by_day AS ut ON c.snapshot_date = ut.snapshot_date
    LEFT JOIN active_customer_changes_by_day AS ac ON c.snapshot_date = ac.snapshot_date
    LEFT JOIN balance_changes_by_day AS bc ON c.snapshot_date = bc.snapshot_date
    LEFT JOIN insurance_overdue_changes_by_day AS io ON c.snapshot_date = io.snapshot_date
    WINDOW w AS (ORDER BY c.snapshot_date)
),

-- The calendar has every day, so the row 1 (7) back is the day before (a week before).
with_previous AS (
    SELECT
        d.*,
        lag(d.bookings, 1) OVER w AS bookings_1,
        lag(d.bookings, 7) OVER w AS bookings_7,
        lag(d.revenue, 1) OVER w AS revenue_1,
        lag(d.revenue, 7) OVER w AS revenue_7,
        lag(d.utilization, 1) OVER w AS utilization_1,
        lag(d.utilization, 7) OVER w AS utilization_7,
        lag(d.active_customers, 1) OVER w AS active_customers_1,
        lag(d.active_customers, 7) OVER w AS active_customers_7,
        lag(d.outstanding_balances, 1) OVER w AS outstanding_balances_1,
        lag(d.outstanding_balances, 7) OVER w AS outstanding_balances_7,
        lag(d.overdue_balances, 1) OVER w AS overdue_balances_1,
        lag(d.overdue_balances, 7) OVER w AS overdue_balances_7,
        lag(d.insurance_overdue, 1) OVER w AS insurance_overdue_1,
        lag(d.insurance_overdue, 7) OVER w AS insurance_overdue_7
    FROM daily AS d
    WINDOW w AS (ORDER BY d.snapshot_date)
),

final AS (
    SELECT
        p.snapshot_date,
        jsonb_build_object(
            'bookings', pgfresh.kpi_growth(p.bookings, p.bookings_1, p.bookings_7),
            'revenue', pgfresh.kpi_growth(p.revenue, p.revenue_1, p.revenue_7),
            'utilization', pgfresh.kpi_growth(p.utilization, p.utilization_1, p.utilization_7),
            'active_customers',
            pgfresh.kpi_growth(p.active_customers, p.active_customers_1, p.active_customers_7),
            'outstanding_balances',
            pgfresh.kpi_growth(p.outstanding_balances, p.outstanding_balances_1, p.outstanding_balances_7),
            'overdue_balances',
            pgfresh.kpi_growth(p.overdue_balances, p.overdue_balances_1, p.overdue_balances_7),
            'insurance_overdue',
            pgfresh.kpi_growth(p.insurance_overdue, p.insurance_overdue_1, p.insurance_overdue_7)
        ) AS metrics,
        jsonb_build_object(
            'bookings_drop',
            coalesce(
                p.bookings_7 > 0
                AND 100 * (p.bookings - p.bookings_7) <= -s.bookings_drop_pct * p.bookings_7,
                FALSE
            ),
            'revenue_drop',
            coalesce(
                p.revenue_7 <> 0
                AND 100 * (p.revenue - p.revenue_7) <= -s.revenue_drop_pct * abs(p.revenue_7),
                FALSE
            ),
            'low_utilization',
            coalesce(p.utilization < s.low_utilization_pct, FALSE),
            'overdue_balance_high',
            p.outstanding_balances > 0
            AND 100 * p.overdue_balances > s.overdue_share_pct * p.outstanding_balances,
            'insurance_overdue',
            p.insurance_overdue >= s.insurance_overdue_count
        ) AS alerts
    FROM with_previous AS p
    CROSS JOIN settings AS s
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_dashboard_kpis_snapshot_date_idx
ON analytics.mv_dashboard_kpis (snapshot_date);

-- Days with a given alert: WHERE alerts @> '{"low_utilization": true}'.
CREATE INDEX mv_dashboard_kpis_alerts_idx
ON analytics.mv_dashboard_kpis USING gin (alerts);

COMMENT ON MATERIALIZED VIEW analytics.mv_dashboard_kpis IS
'One row per local day (pgfresh.setting(''business_timezone'')), from the first day of any source event (or today) to today (or the last booking, payment or utilization day): the dashboard KPIs of that day with day-over-day and week-over-week growth (metrics) and the alert flags they raise (alerts). Today''s row is as of the refresh.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.snapshot_date IS
'Local day of the business time zone.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.metrics IS
'contracts/mv_dashboard_kpis.metrics.schema.json. Keys bookings (bookings created that local day, any status), revenue (succeeded deposit + balance payments minus succeeded refunds, by the local day of paid_at; may be negative), utilization (100 * hours_used / hours_available over equipment_utilization rows of that day, 2 decimals; null without rows), active_customers (distinct customers with a confirmed, active or completed booking whose [start_at, end_at) overlaps the local day), outstanding_balances (amount_due of installments not cancelled, created by the end of the day and not paid by then), overdue_balances (the part of it whose due day is before that day), insurance_overdue (insurance documents submitted by the end of the day, not reviewed by then (reviewed_at; one with status expired and no reviewed_at counts as reviewed when submitted), whose due day is before that day). Each is {"value", "dod_change", "dod_pct", "wow_change", "wow_pct"}: change = value - value of the day before (a week before), pct = round(100 * change / |previous|, 2); null when a value is null or the previous day is outside the view, pct also when the previous value is 0.';
COMMENT ON COLUMN analytics.mv_dashboard_kpis.alerts IS
'contracts/mv_dashboard_kpis.alerts.schema.json: booleans, all keys always present. bookings_drop: bookings wow_pct <= -kpi_bookings_drop_pct. revenue_drop: revenue wow_pct <= -kpi_revenue_drop_pct (previous revenue not 0). low_utilization: utilization < kpi_low_utilization_pct. overdue_balance_high: overdue_balances > kpi_overdue_share_pct percent of outstanding_balances. insurance_overdue: insurance_overdue >= kpi_insurance_overdue_count. Growth and shares are compared unrounded, utilization as its 2-decimal value; a flag is false when a value it needs is missing.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_dashboard_kpis TO dashboard_reader;
