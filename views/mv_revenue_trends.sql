-- pgfresh.mv_revenue_trends_rows(days): how a row of analytics.mv_revenue_trends is
-- computed, for the local days asked for, or for every day of the calendar when NULL:
-- the money customers paid and were refunded that day (gross, deposits vs balance
-- payments, refunds, net) and what the payment schedule said was due that day.
-- requires: tables/mv_revenue_trends.sql, functions/mv_revenue_trends_calendar.sql
-- requires: functions/_local_day_ranges.sql
-- The one definition of the view: the full rebuild (pgfresh.refresh_view(..., p_full =>
-- true), and the first refresh) inserts rows(NULL); the incremental refresh
-- (functions/_apply_mv_revenue_trends.sql) deletes the dirty days and inserts
-- rows(those days); pgfresh.verify_incremental compares stored days with rows(those days).
-- INCREMENTAL KEY: bucket_date (a local day). A row depends only on the succeeded payments
-- whose paid_at falls on that local day, the installments (not cancelled) whose due_at
-- does, and on whether the day is in the calendar (pgfresh.mv_revenue_trends_calendar:
-- first payment or due day, or today, to the last payment day, or today); nothing carries
-- over from one day to the next, and the time of day matters only through today.
-- For the days asked for, the sources are read for those days only, through the indexes
-- on paid_at and due_at (pgfresh._local_day_ranges: runs of days, widened by a day on
-- each side), then filtered by the exact local day; for every day (NULL), each source is
-- scanned once.
-- A day outside the calendar gives no row (so deleting the days first removes rows that
-- no longer exist).
-- (noqa RF02 below: sqlfluff takes the parameter for an unqualified column.)
CREATE FUNCTION pgfresh.mv_revenue_trends_rows(p_days date[] DEFAULT NULL)
RETURNS SETOF analytics.mv_revenue_trends
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    bounds AS MATERIALIZED (
        SELECT
            c.tz,
            c.first_day,
            c.last_day
        FROM pgfresh.mv_revenue_trends_calendar() AS c
    ),

    -- the days asked for that are in the calendar, or every day of it
    calendar AS MATERIALIZED (
        SELECT b.first_day + g.i AS bucket_date
        FROM bounds AS b
        CROSS JOIN LATERAL generate_series(0, b.last_day - b.first_day) AS g (i)
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        UNION
        SELECT d.bucket_date
        FROM unnest(p_days) AS d (bucket_date)  -- noqa: RF02, RF03
        CROSS JOIN bounds AS b
        WHERE d.bucket_date BETWEEN b.first_day AND b.last_day
    ),

    -- the instants to read the sources' timestamp columns for (runs of those days, each
    -- widened by a day on each side; the exact local day is filtered below)
    calendar_days AS (
        SELECT array_agg(c.bucket_date) AS days
        FROM calendar AS c
    ),

    spans AS MATERIALIZED (
        SELECT
            r.starts_at,
            r.ends_at
        FROM bounds AS b
        CROSS JOIN calendar_days AS cd
        CROSS JOIN LATERAL pgfresh._local_day_ranges(cd.days, b.tz) AS r
    ),

    -- Import: succeeded payments with the local day of paid_at. Pending and failed
    -- payments moved no money and are left out.
    succeeded_payments AS (
        SELECT
            p.kind,
            p.amount,
            (p.paid_at AT TIME ZONE b.tz)::date AS paid_date
        FROM public.payments AS p
        CROSS JOIN bounds AS b
        WHERE p_days IS NULL AND p.status = 'succeeded' AND p.paid_at IS NOT NULL  -- noqa: RF02
        UNION ALL
        SELECT
            p.kind,
            p.amount,
            (p.paid_at AT TIME ZONE b.tz)::date
        FROM spans AS s
        INNER JOIN public.payments AS p ON s.starts_at <= p.paid_at AND s.ends_at > p.paid_at
        CROSS JOIN bounds AS b
        WHERE p_days IS NOT NULL AND p.status = 'succeeded'  -- noqa: RF02
    ),

    -- Import: installments that are still owed or were paid (cancelled ones are not due).
    installments AS (
        SELECT
            ps.amount_due,
            (ps.due_at AT TIME ZONE b.tz)::date AS due_date
        FROM public.payment_schedules AS ps
        CROSS JOIN bounds AS b
        WHERE p_days IS NULL AND ps.status <> 'cancelled'  -- noqa: RF02
        UNION ALL
        SELECT
            ps.amount_due,
            (ps.due_at AT TIME ZONE b.tz)::date
        FROM spans AS s
        INNER JOIN public.payment_schedules AS ps ON s.starts_at <= ps.due_at AND s.ends_at > ps.due_at
        CROSS JOIN bounds AS b
        WHERE p_days IS NOT NULL AND ps.status <> 'cancelled'  -- noqa: RF02
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

    SELECT
        f.bucket_date,
        f.gross_revenue,
        f.deposits,
        f.balance,
        f.refunds,
        f.net_revenue,
        f.payments_count,
        f.refunds_count,
        f.scheduled_due
    FROM final AS f;
END;

COMMENT ON FUNCTION pgfresh.mv_revenue_trends_rows(date[]) IS
'The rows of analytics.mv_revenue_trends for the given local days (those in the calendar), or for every day when p_days is NULL: the definition the incremental refresh, the full rebuild and verify_incremental share.';

-- Owner only (executed as the owner by the refresh); readers read the table.
REVOKE ALL ON FUNCTION pgfresh.mv_revenue_trends_rows(date[]) FROM public;
