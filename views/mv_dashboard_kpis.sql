-- pgfresh.mv_dashboard_kpis_rows(days, stored): how a row of analytics.mv_dashboard_kpis
-- is computed, for the local days asked for, or for every day of the calendar when p_days
-- is NULL.
-- requires: tables/mv_dashboard_kpis.sql, functions/setting.sql, functions/kpi_growth.sql
-- requires: functions/mv_dashboard_kpis_calendar.sql
-- The one definition of the view: the full rebuild (pgfresh.refresh_view(..., p_full =>
-- true), and the first refresh) inserts rows(NULL); the incremental refresh
-- (functions/_apply_mv_dashboard_kpis.sql) rewrites rows(dirty days, stored sources);
-- pgfresh.verify_incremental compares stored rows of sampled days with rows(those days).
-- INCREMENTAL KEY: snapshot_date. A row holds the values of its day and of the day and
-- the week before (growth), so it depends on:
--   * counts of a day, read by the sources' time indexes (bookings_created_at_idx,
--     payments_paid_at_idx, equipment_utilization_usage_date_idx): bookings, revenue,
--     utilization of that day; active customers (bookings on rent that day, read by
--     bookings_start_at_idx up to the day's end);
--   * carried-forward balances: outstanding and overdue installments
--     (payment_schedules), overdue insurance documents: running sums of the changes of
--     every earlier day;
--   * the calendar (first event day .. today or the last booking, payment or utilization
--     day): a previous day outside it gives null growth;
--   * the thresholds and business_timezone of pgfresh.settings.
-- Not on the time of day: "today" only bounds the calendar.
-- p_stored (the incremental refresh; NULL: everything from the sources) is the caller's
-- promise that the stored rows are right on every day not in p_days, and, for the source
-- tables listed (no recorded changes), on every day. Then
--   * the values of those sources are read from the stored rows of the days they need
--     (a day not stored is computed), so a booking change reads neither
--     payment_schedules nor insurance_documents;
--   * balances are carried forward: the stored balance of the day before the first day
--     read plus the changes from that day on (payment_schedules and insurance_documents
--     have no index on created_at, paid_at, submitted_at or reviewed_at: one scan that
--     compares raw timestamps, instead of converting and summing the whole history).
-- A day outside the calendar gives no row (so deleting the keys first removes rows that
-- no longer exist). (noqa RF02 below: sqlfluff takes the parameters for unqualified columns.)
CREATE FUNCTION pgfresh.mv_dashboard_kpis_rows(
    p_days date[] DEFAULT NULL,
    p_stored text[] DEFAULT NULL
)
RETURNS SETOF analytics.mv_dashboard_kpis
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    -- the thresholds, and the calendar (pgfresh.mv_dashboard_kpis_calendar; its first
    -- day NULL when it is before the week before the first day asked for)
    settings AS MATERIALIZED (
        SELECT
            c.tz,
            c.today,
            c.first_day,
            c.last_day,
            pgfresh.setting('kpi_bookings_drop_pct')::numeric AS bookings_drop_pct,
            pgfresh.setting('kpi_revenue_drop_pct')::numeric AS revenue_drop_pct,
            pgfresh.setting('kpi_low_utilization_pct')::numeric AS low_utilization_pct,
            pgfresh.setting('kpi_overdue_share_pct')::numeric AS overdue_share_pct,
            pgfresh.setting('kpi_insurance_overdue_count')::numeric AS insurance_overdue_count
        FROM pgfresh.mv_dashboard_kpis_calendar(
                (SELECT min(d.day) FROM unnest(p_days) AS d (day)) - 7  -- noqa: RF02
            ) AS c
    ),

    calendar_bounds AS MATERIALIZED (
        SELECT
            s.first_day,
            s.last_day
        FROM settings AS s
    ),

    -- the rows asked for: days of the calendar
    days AS MATERIALIZED (
        SELECT cb.first_day + g.n AS snapshot_date
        FROM calendar_bounds AS cb
        CROSS JOIN LATERAL generate_series(0, cb.last_day - cb.first_day) AS g (n)
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        UNION
        SELECT d.snapshot_date
        FROM unnest(p_days) AS d (snapshot_date)  -- noqa: RF02
        CROSS JOIN calendar_bounds AS cb
        WHERE d.snapshot_date BETWEEN coalesce(cb.first_day, '-infinity') AND cb.last_day
    ),

    -- the days whose values they need: theirs, the day before, the week before
    value_days AS MATERIALIZED (
        SELECT DISTINCT d.snapshot_date - o.n AS snapshot_date
        FROM days AS d
        CROSS JOIN (VALUES (0), (1), (7)) AS o (n)
        CROSS JOIN calendar_bounds AS cb
        WHERE d.snapshot_date - o.n >= coalesce(cb.first_day, '-infinity')
    ),

    -- Stored values (p_stored given): of the value days, and of the day before them (the
    -- balances carried forward).
    stored AS MATERIALIZED (
        SELECT
            t.snapshot_date,
            (t.metrics #>> '{bookings,value}')::numeric AS bookings,
            (t.metrics #>> '{revenue,value}')::numeric(14, 2) AS revenue,
            (t.metrics #>> '{utilization,value}')::numeric AS utilization,
            (t.metrics #>> '{active_customers,value}')::numeric AS active_customers,
            (t.metrics #>> '{outstanding_balances,value}')::numeric(14, 2) AS outstanding_balances,
            (t.metrics #>> '{overdue_balances,value}')::numeric(14, 2) AS overdue_balances,
            (t.metrics #>> '{insurance_overdue,value}')::numeric AS insurance_overdue
        FROM analytics.mv_dashboard_kpis AS t
        WHERE
            p_stored IS NOT NULL  -- noqa: RF02, RF03
            AND t.snapshot_date >= (SELECT min(v.snapshot_date) - 1 FROM value_days AS v)
            AND t.snapshot_date <= (SELECT max(v.snapshot_date) FROM value_days AS v)
    ),

    -- per value day and source: whether its values must be computed from the source
    need AS MATERIALIZED (
        SELECT
            v.snapshot_date,
            st.snapshot_date IS NULL OR NOT coalesce('public.bookings' = any(p_stored), FALSE) AS bookings,  -- noqa: RF02
            st.snapshot_date IS NULL OR NOT coalesce('public.payments' = any(p_stored), FALSE) AS payments,  -- noqa: RF02
            st.snapshot_date IS NULL
            OR NOT coalesce('public.equipment_utilization' = any(p_stored), FALSE) AS utilization,  -- noqa: RF02
            st.snapshot_date IS NULL
            OR NOT coalesce('public.payment_schedules' = any(p_stored), FALSE) AS installments,  -- noqa: RF02
            st.snapshot_date IS NULL
            OR NOT coalesce('public.insurance_documents' = any(p_stored), FALSE) AS insurance  -- noqa: RF02
        FROM value_days AS v
        LEFT JOIN stored AS st ON v.snapshot_date = st.snapshot_date
    ),

    -- per source, the span of days it is read for (NULL: not read at all), as local days
    -- and as the instants of their local midnights
    span_days AS MATERIALIZED (
        SELECT
            min(n.snapshot_date) FILTER (WHERE n.bookings) AS bookings_from,
            max(n.snapshot_date) FILTER (WHERE n.bookings) AS bookings_to,
            min(n.snapshot_date) FILTER (WHERE n.payments) AS payments_from,
            max(n.snapshot_date) FILTER (WHERE n.payments) AS payments_to,
            min(n.snapshot_date) FILTER (WHERE n.utilization) AS utilization_from,
            max(n.snapshot_date) FILTER (WHERE n.utilization) AS utilization_to,
            min(n.snapshot_date) FILTER (WHERE n.installments) AS installments_from,
            max(n.snapshot_date) FILTER (WHERE n.installments) AS installments_to,
            min(n.snapshot_date) FILTER (WHERE n.insurance) AS insurance_from,
            max(n.snapshot_date) FILTER (WHERE n.insurance) AS insurance_to
        FROM need AS n
    ),

    spans AS MATERIALIZED (
        SELECT
            sd.*,
            (sd.bookings_from::timestamp AT TIME ZONE s.tz) AS bookings_starts_at,
            ((sd.bookings_to + 1)::timestamp AT TIME ZONE s.tz) AS bookings_ends_at,
            (sd.payments_from::timestamp AT TIME ZONE s.tz) AS payments_starts_at,
            ((sd.payments_to + 1)::timestamp AT TIME ZONE s.tz) AS payments_ends_at,
            (sd.installments_from::timestamp AT TIME ZONE s.tz) AS installments_starts_at,
            ((sd.installments_from - 1)::timestamp AT TIME ZONE s.tz) AS installments_due_from,
            (sd.insurance_from::timestamp AT TIME ZONE s.tz) AS insurance_starts_at,
            ((sd.insurance_from - 1)::timestamp AT TIME ZONE s.tz) AS insurance_due_from,
            -- the balance at the end of the day before the span: 0 before the calendar,
            -- else stored (carried forward), else summed over the whole history
            sd.installments_from = cb.first_day AS installments_from_first,
            sd.insurance_from = cb.first_day AS insurance_from_first,
            (sti.snapshot_date IS NULL AND sd.installments_from IS DISTINCT FROM cb.first_day) AS installments_history,
            (stn.snapshot_date IS NULL AND sd.insurance_from IS DISTINCT FROM cb.first_day) AS insurance_history,
            sti.outstanding_balances AS carried_outstanding,
            sti.overdue_balances AS carried_overdue,
            stn.insurance_overdue AS carried_insurance_overdue
        FROM span_days AS sd
        CROSS JOIN settings AS s
        CROSS JOIN calendar_bounds AS cb
        LEFT JOIN stored AS sti ON sd.installments_from - 1 = sti.snapshot_date
        LEFT JOIN stored AS stn ON sd.insurance_from - 1 = stn.snapshot_date
    ),

    -- import CTEs: the sources, filtered to the spans

    -- bookings created on the days read
    bookings_by_day AS (
        SELECT
            (b.created_at AT TIME ZONE s.tz)::date AS snapshot_date,
            count(*) AS bookings
        FROM public.bookings AS b
        CROSS JOIN settings AS s
        WHERE
            b.created_at >= (SELECT sp.bookings_starts_at FROM spans AS sp)
            AND b.created_at < (SELECT sp.bookings_ends_at FROM spans AS sp)
        GROUP BY (b.created_at AT TIME ZONE s.tz)::date
    ),

    -- succeeded payments paid on the days read; refunds count negative
    revenue_by_day AS (
        SELECT
            (p.paid_at AT TIME ZONE s.tz)::date AS snapshot_date,
            sum(CASE WHEN p.kind = 'refund' THEN -p.amount ELSE p.amount END) AS revenue
        FROM public.payments AS p
        CROSS JOIN settings AS s
        WHERE
            p.status = 'succeeded'
            AND p.paid_at >= (SELECT sp.payments_starts_at FROM spans AS sp)
            AND p.paid_at < (SELECT sp.payments_ends_at FROM spans AS sp)
        GROUP BY (p.paid_at AT TIME ZONE s.tz)::date
    ),

    -- daily machine hours (usage_date is already a local day)
    utilization_by_day AS (
        SELECT
            u.usage_date AS snapshot_date,
            round(100 * sum(u.hours_used) / nullif(sum(u.hours_available), 0), 2) AS utilization
        FROM public.equipment_utilization AS u
        WHERE
            u.usage_date >= (SELECT sp.utilization_from FROM spans AS sp)
            AND u.usage_date <= (SELECT sp.utilization_to FROM spans AS sp)
        GROUP BY u.usage_date
    ),

    -- A customer is active on a day when one of their bookings that went ahead (confirmed,
    -- active, completed) is on rent during part of it: [start_at, end_at), local days
    -- from the day of start_at to the day of its last instant. Only the rentals that
    -- touch the days read. A customer's overlapping rentals are first merged into
    -- stretches of days (a stretch starts with a rental that begins after all their
    -- earlier ones ended), so each customer counts once a day: +1 on the first day of a
    -- stretch, -1 the day after its last, running sum over the days read. (Expanding each
    -- rental into its days gives the same rows, but the planner then guesses 1000 days per
    -- rental and JIT, on by default, took the refresh at scale 1 from 3-7 s to 13-18 s.)
    rentals AS (
        SELECT
            b.user_id,
            (b.start_at AT TIME ZONE s.tz)::date AS first_rental_date,
            ((b.end_at AT TIME ZONE s.tz) - interval '1 microsecond')::date AS last_rental_date
        FROM public.bookings AS b
        CROSS JOIN settings AS s
        WHERE
            b.status IN ('confirmed', 'active', 'completed')
            AND (SELECT sp.bookings_from FROM spans AS sp) IS NOT NULL
            -- [start_at, end_at) overlaps the days read; a range, not start_at < ..., so
            -- the planner does not walk bookings_start_at_idx through the whole history
            -- (6x slower than a scan here: most bookings start before the days read)
            AND tstzrange(b.start_at, b.end_at)
            && tstzrange((SELECT sp.bookings_starts_at FROM spans AS sp), (SELECT sp.bookings_ends_at FROM spans AS sp))
    ),

    rental_stretches AS (
        SELECT
            r.user_id,
            r.first_rental_date,
            r.last_rental_date,
            count(*) FILTER (WHERE r.first_rental_date > coalesce(r.earlier_rentals_end, '-infinity')) OVER (
                PARTITION BY r.user_id ORDER BY r.first_rental_date, r.last_rental_date
                ROWS UNBOUNDED PRECEDING
            ) AS stretch
        FROM (
            SELECT
                rt.*,
                max(rt.last_rental_date) OVER (
                    PARTITION BY rt.user_id ORDER BY rt.first_rental_date, rt.last_rental_date
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ) AS earlier_rentals_end
            FROM rentals AS rt
        ) AS r
    ),

    customer_stretches AS (
        SELECT
            min(rs.first_rental_date) AS first_day,
            max(rs.last_rental_date) AS last_day
        FROM rental_stretches AS rs
        GROUP BY rs.user_id, rs.stretch
    ),

    -- Days before the first day read are folded into it, so that a stretch which began
    -- earlier still counts.
    active_customer_changes_by_day AS (
        SELECT
            c.snapshot_date,
            sum(c.n) AS n
        FROM (
            SELECT
                greatest(cs.first_day, sp.bookings_from) AS snapshot_date,
                1 AS n
            FROM customer_stretches AS cs
            CROSS JOIN spans AS sp
            UNION ALL
            SELECT
                greatest(cs.last_day + 1, sp.bookings_from) AS snapshot_date,
                -1 AS n
            FROM customer_stretches AS cs
            CROSS JOIN spans AS sp
        ) AS c
        GROUP BY c.snapshot_date
    ),

    -- (The running sums are grouped by day again, so the planner knows they hold one row
    -- a day: joined without it, its estimates multiplied to 10^15 rows and JIT compiled
    -- for 5 s.)
    active_customers_by_day AS (
        SELECT
            r.snapshot_date,
            max(r.active_customers) AS active_customers
        FROM (
            SELECT
                sp.bookings_from + g.n AS snapshot_date,
                (sum(coalesce(ac.n, 0)) OVER (ORDER BY g.n))::numeric AS active_customers
            FROM spans AS sp
            CROSS JOIN LATERAL generate_series(0, sp.bookings_to - sp.bookings_from) AS g (n)
            LEFT JOIN active_customer_changes_by_day AS ac ON sp.bookings_from + g.n = ac.snapshot_date
        ) AS r
        GROUP BY r.snapshot_date
    ),

    -- Installments not cancelled; outstanding from the local day created until the local
    -- day paid; overdue from the day after the due day. Only those with a change on a day
    -- read (created, paid, or overdue from then on), unless the balance before the first
    -- day read is summed from the history.
    installments AS (
        SELECT
            ps.amount_due,
            (ps.created_at AT TIME ZONE s.tz)::date AS created_date,
            (ps.due_at AT TIME ZONE s.tz)::date + 1 AS overdue_from,
            (ps.paid_at AT TIME ZONE s.tz)::date AS paid_date
        FROM public.payment_schedules AS ps
        CROSS JOIN settings AS s
        WHERE
            ps.status <> 'cancelled'
            AND (SELECT sp.installments_from FROM spans AS sp) IS NOT NULL
            AND (
                (SELECT sp.installments_history FROM spans AS sp)
                OR ps.created_at >= (SELECT sp.installments_starts_at FROM spans AS sp)
                OR ps.paid_at >= (SELECT sp.installments_starts_at FROM spans AS sp)
                OR ps.due_at >= (SELECT sp.installments_due_from FROM spans AS sp)
            )
    ),

    -- Balances at the end of a day: +amount on the day an installment starts to count,
    -- -amount on the day it is paid; running sums.
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

    -- the changes before the first day read are its opening balance (carried forward: the
    -- stored balance of the day before; 0 from the calendar's first day)
    balance_changes_by_day AS (
        SELECT
            greatest(bc.snapshot_date, sp.installments_from - 1) AS snapshot_date,
            sum(bc.outstanding) AS outstanding,
            sum(bc.overdue) AS overdue
        FROM balance_changes AS bc
        CROSS JOIN spans AS sp
        WHERE bc.snapshot_date >= sp.installments_from OR sp.installments_history
        GROUP BY greatest(bc.snapshot_date, sp.installments_from - 1)
    ),

    balances_by_day AS (
        SELECT
            r.snapshot_date,
            max(r.outstanding_balances) AS outstanding_balances,
            max(r.overdue_balances) AS overdue_balances
        FROM (
            SELECT
                sp.installments_from - 1 + g.n AS snapshot_date,
                (
                    CASE WHEN sp.installments_history THEN 0 WHEN sp.installments_from_first THEN 0
                        ELSE sp.carried_outstanding
                    END
                    + sum(coalesce(bc.outstanding, 0)) OVER (ORDER BY g.n)
                )::numeric(14, 2) AS outstanding_balances,
                (
                    CASE WHEN sp.installments_history THEN 0 WHEN sp.installments_from_first THEN 0
                        ELSE sp.carried_overdue
                    END
                    + sum(coalesce(bc.overdue, 0)) OVER (ORDER BY g.n)
                )::numeric(14, 2) AS overdue_balances
            FROM spans AS sp
            CROSS JOIN LATERAL generate_series(0, sp.installments_to - sp.installments_from + 1) AS g (n)
            LEFT JOIN balance_changes_by_day AS bc ON sp.installments_from - 1 + g.n = bc.snapshot_date
        ) AS r
        GROUP BY r.snapshot_date
    ),

    -- Insurance documents awaiting review from the local day submitted until the local day
    -- reviewed (approved and rejected rows always have reviewed_at; an expired one without
    -- it counts as reviewed when submitted); overdue from the day after the due day. Only
    -- those with a change on a day read, unless summed from the history.
    insurance AS (
        SELECT
            (i.submitted_at AT TIME ZONE s.tz)::date AS submitted_date,
            (i.due_at AT TIME ZONE s.tz)::date + 1 AS overdue_from,
            (
                coalesce(i.reviewed_at, CASE WHEN i.status <> 'pending' THEN i.submitted_at END) AT TIME ZONE s.tz
            )::date AS reviewed_date
        FROM public.insurance_documents AS i
        CROSS JOIN settings AS s
        WHERE
            (SELECT sp.insurance_from FROM spans AS sp) IS NOT NULL
            AND (
                (SELECT sp.insurance_history FROM spans AS sp)
                OR i.submitted_at >= (SELECT sp.insurance_starts_at FROM spans AS sp)
                OR i.reviewed_at >= (SELECT sp.insurance_starts_at FROM spans AS sp)
                OR i.due_at >= (SELECT sp.insurance_due_from FROM spans AS sp)
            )
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
            greatest(ic.snapshot_date, sp.insurance_from - 1) AS snapshot_date,
            sum(ic.n) AS n
        FROM insurance_overdue_changes AS ic
        CROSS JOIN spans AS sp
        WHERE ic.snapshot_date >= sp.insurance_from OR sp.insurance_history
        GROUP BY greatest(ic.snapshot_date, sp.insurance_from - 1)
    ),

    insurance_overdue_by_day AS (
        SELECT
            r.snapshot_date,
            max(r.insurance_overdue) AS insurance_overdue
        FROM (
            SELECT
                sp.insurance_from - 1 + g.n AS snapshot_date,
                (
                    CASE WHEN sp.insurance_history THEN 0 WHEN sp.insurance_from_first THEN 0
                        ELSE sp.carried_insurance_overdue
                    END
                    + sum(coalesce(ic.n, 0)) OVER (ORDER BY g.n)
                )::numeric AS insurance_overdue
            FROM spans AS sp
            CROSS JOIN LATERAL generate_series(0, sp.insurance_to - sp.insurance_from + 1) AS g (n)
            LEFT JOIN insurance_overdue_changes_by_day AS ic ON sp.insurance_from - 1 + g.n = ic.snapshot_date
        ) AS r
        GROUP BY r.snapshot_date
    ),

    -- the values of each day read: computed where needed, else stored (grouped by day
    -- although there is one row a day: see active_customers_by_day)
    daily AS (
        SELECT
            n.snapshot_date,
            max(CASE WHEN n.bookings THEN coalesce(bk.bookings, 0)::numeric ELSE st.bookings END) AS bookings,
            max(CASE WHEN n.payments THEN coalesce(rv.revenue, 0)::numeric(14, 2) ELSE st.revenue END) AS revenue,
            max(CASE WHEN n.utilization THEN ut.utilization ELSE st.utilization END) AS utilization,
            max(CASE WHEN n.bookings THEN ac.active_customers ELSE st.active_customers END) AS active_customers,
            max(CASE WHEN n.installments THEN ba.outstanding_balances ELSE st.outstanding_balances END)
                AS outstanding_balances,
            max(CASE WHEN n.installments THEN ba.overdue_balances ELSE st.overdue_balances END) AS overdue_balances,
            max(CASE WHEN n.insurance THEN io.insurance_overdue ELSE st.insurance_overdue END) AS insurance_overdue
        FROM need AS n
        LEFT JOIN stored AS st ON n.snapshot_date = st.snapshot_date
        LEFT JOIN bookings_by_day AS bk ON n.snapshot_date = bk.snapshot_date
        LEFT JOIN revenue_by_day AS rv ON n.snapshot_date = rv.snapshot_date
        LEFT JOIN utilization_by_day AS ut ON n.snapshot_date = ut.snapshot_date
        LEFT JOIN active_customers_by_day AS ac ON n.snapshot_date = ac.snapshot_date
        LEFT JOIN balances_by_day AS ba ON n.snapshot_date = ba.snapshot_date
        LEFT JOIN insurance_overdue_by_day AS io ON n.snapshot_date = io.snapshot_date
        GROUP BY n.snapshot_date
    ),

    -- the day before and the week before (NULL outside the calendar)
    with_previous AS (
        SELECT
            d.*,
            p1.bookings AS bookings_1,
            p7.bookings AS bookings_7,
            p1.revenue AS revenue_1,
            p7.revenue AS revenue_7,
            p1.utilization AS utilization_1,
            p7.utilization AS utilization_7,
            p1.active_customers AS active_customers_1,
            p7.active_customers AS active_customers_7,
            p1.outstanding_balances AS outstanding_balances_1,
            p7.outstanding_balances AS outstanding_balances_7,
            p1.overdue_balances AS overdue_balances_1,
            p7.overdue_balances AS overdue_balances_7,
            p1.insurance_overdue AS insurance_overdue_1,
            p7.insurance_overdue AS insurance_overdue_7
        FROM days AS x
        INNER JOIN daily AS d ON x.snapshot_date = d.snapshot_date
        LEFT JOIN daily AS p1 ON x.snapshot_date - 1 = p1.snapshot_date
        LEFT JOIN daily AS p7 ON x.snapshot_date - 7 = p7.snapshot_date
    )

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
    CROSS JOIN settings AS s;
END;

COMMENT ON FUNCTION pgfresh.mv_dashboard_kpis_rows(date[], text[]) IS
'The rows of analytics.mv_dashboard_kpis for the local days given (NULL: every day of the calendar); a day outside the calendar gives no row. p_stored (the incremental refresh only): the stored rows are right on every other day and, for these source tables, on every day: their values are read from them and balances carried forward; NULL: everything from the sources.';

-- The engine's own helper (called as the owner by the refresh); readers read the table.
REVOKE ALL ON FUNCTION pgfresh.mv_dashboard_kpis_rows(date[], text[]) FROM public;
