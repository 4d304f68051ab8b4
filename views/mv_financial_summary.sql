-- pgfresh.mv_financial_summary_rows(days): how a row of analytics.mv_financial_summary is
-- computed, for the local days asked for, or for every day of the calendar when NULL.
-- requires: tables/mv_financial_summary.sql, functions/setting.sql
-- One row per local calendar day (business time zone) of finance KPIs: Stripe vs manual
-- collections, refunds, fees, ledger net, payouts arrived and still pending, and the
-- accounts-receivable balance (outstanding installments) at the end of the day. Read by
-- the finance dashboard. Refreshed hourly and after payouts.
-- The one definition of the view: the full rebuild (pgfresh.refresh_view(..., p_full =>
-- true), and the first refresh) inserts rows(NULL); the incremental refresh
-- (functions/_apply_mv_financial_summary.sql) deletes the dirty days and inserts
-- rows(those days); pgfresh.verify_incremental compares stored days with rows(those days).
-- INCREMENTAL KEY: snapshot_date. A day's row holds
--   * FLOWS of that day: money that moved on it (succeeded payments by paid_at, manual
--     receipts by received_at, ledger rows by occurred_at, payouts by their arrival):
--     they depend on that day's source rows only;
--   * BALANCES carried forward to its end: payouts_pending(_count) (payouts created on or
--     before it, not arrived by then) and ar_balance / ar_overdue (installments created on
--     or before it, not paid by then): they depend on every earlier day, so a change on
--     day D changes them from D onward;
--   * and the calendar: from the first event day of any source (or today) to the last
--     payment, receipt or ledger day (or today); a day outside it has no row.
-- It does not depend on the time of day, only on today's date (and the time zone).
-- Cost follows the days asked for, not the history: flows are read through the sources'
-- time indexes (payments_paid_at_idx, manual_payments_received_at_idx,
-- financial_transactions_occurred_at_idx) for the runs of consecutive days asked for; the
-- balances of the days from the first day asked for, k0, to the last are the open
-- balance at the end of k0 plus the day-by-day changes after it (each source row's events
-- before k0 count on k0), so only rows still open at k0 or created after it count; the
-- calendar's ends come from the index ends (the first installment's day only when a day
-- before the other sources' first event is asked for: two scans). Installments
-- (payment_schedules has no index on created_at or paid_at) and payouts (a few rows a day)
-- are scanned whole, filtered on the raw instants, so only the rows that matter get their
-- local days computed: that scan is most of the cost of a few days (sample scale 1: about
-- 60 ms of 80 for one day; every day, the full rebuild, 1.7 s).
-- Local days of instants: every range read is widened by a day on each side and the row
-- kept by its exact local day, so a zone whose clock goes back across midnight (Chile,
-- Lebanon) is exact too.
-- (noqa RF02, RF03 below: sqlfluff takes the parameter for an unqualified column.)
CREATE FUNCTION pgfresh.mv_financial_summary_rows(p_days date[] DEFAULT NULL)
RETURNS SETOF analytics.mv_financial_summary
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    settings AS MATERIALIZED (
        SELECT
            z.tz,
            (now() AT TIME ZONE z.tz)::date AS today
        FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
    ),

    -- The first and last instants of each source (index ends; payouts, a few rows a day,
    -- have no index on created_at; installments: below).
    source_ends AS MATERIALIZED (
        SELECT
            (
                SELECT min(p.paid_at) FROM public.payments AS p
                WHERE p.status = 'succeeded'
            ) AS paid_first,
            (
                SELECT max(p.paid_at) FROM public.payments AS p
                WHERE p.status = 'succeeded'
            ) AS paid_last,
            (SELECT min(m.received_at) FROM public.manual_payments AS m) AS received_first,
            (SELECT max(m.received_at) FROM public.manual_payments AS m) AS received_last,
            (SELECT min(ft.occurred_at) FROM public.financial_transactions AS ft) AS occurred_first,
            (SELECT max(ft.occurred_at) FROM public.financial_transactions AS ft) AS occurred_last,
            (
                SELECT min(po.created_at) FROM public.payout_reconciliations AS po
                WHERE po.status <> 'failed')
                AS payout_first
    ),

    -- The first and last local day each source has an event on: the exact local days of
    -- the rows within a day of those instants.
    source_days AS (
        SELECT
            min((p.paid_at AT TIME ZONE s.tz)::date) AS first_day,
            NULL::date AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.payments AS p ON p.paid_at < e.paid_first + interval '1 day'
        WHERE p.status = 'succeeded'
        UNION ALL
        SELECT
            NULL::date AS first_day,
            max((p.paid_at AT TIME ZONE s.tz)::date) AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.payments AS p ON p.paid_at > e.paid_last - interval '1 day'
        WHERE p.status = 'succeeded'
        UNION ALL
        SELECT
            min((m.received_at AT TIME ZONE s.tz)::date) AS first_day,
            NULL::date AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.manual_payments AS m ON m.received_at < e.received_first + interval '1 day'
        UNION ALL
        SELECT
            NULL::date AS first_day,
            max((m.received_at AT TIME ZONE s.tz)::date) AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.manual_payments AS m ON m.received_at > e.received_last - interval '1 day'
        UNION ALL
        SELECT
            min((ft.occurred_at AT TIME ZONE s.tz)::date) AS first_day,
            NULL::date AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.financial_transactions AS ft ON ft.occurred_at < e.occurred_first + interval '1 day'
        UNION ALL
        SELECT
            NULL::date AS first_day,
            max((ft.occurred_at AT TIME ZONE s.tz)::date) AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.financial_transactions AS ft ON ft.occurred_at > e.occurred_last - interval '1 day'
        UNION ALL
        SELECT
            min((po.created_at AT TIME ZONE s.tz)::date) AS first_day,
            NULL::date AS last_day
        FROM source_ends AS e
        CROSS JOIN settings AS s
        INNER JOIN public.payout_reconciliations AS po ON po.created_at < e.payout_first + interval '1 day'
        WHERE po.status <> 'failed'
    ),

    -- The calendar: from the first event (or today) to the last payment, receipt or ledger
    -- day (or today). The first installment's day (payment_schedules has no index on
    -- created_at: two scans) is looked up only when it matters: for every day, or when a
    -- day asked for is before the first event of the other sources.
    calendar AS MATERIALIZED (
        SELECT
            CASE
                WHEN p_days IS NOT NULL  -- noqa: RF02
                    AND (SELECT min(k.snapshot_date) FROM unnest(p_days) AS k (snapshot_date))  -- noqa: RF02
                    >= least(min(sd.first_day), s.today)
                    THEN least(min(sd.first_day), s.today)
                ELSE least(min(sd.first_day), s.today, (
                        SELECT min((ps.created_at AT TIME ZONE s.tz)::date)
                        FROM public.payment_schedules AS ps
                        WHERE
                            ps.status <> 'cancelled'
                            AND ps.created_at < (
                                SELECT min(ps1.created_at) FROM public.payment_schedules AS ps1
                                WHERE ps1.status <> 'cancelled'
                            ) + interval '1 day'
                    ))
            END AS first_day,
            greatest(max(sd.last_day), s.today) AS last_day
        FROM settings AS s
        CROSS JOIN source_days AS sd
        GROUP BY s.today, s.tz
    ),

    -- The days asked for: every day of the calendar, or those of p_days in it.
    days AS MATERIALIZED (
        SELECT c.first_day + g.i AS snapshot_date
        FROM calendar AS c
        CROSS JOIN LATERAL generate_series(0, c.last_day - c.first_day) AS g (i)
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        UNION
        SELECT k.snapshot_date
        FROM unnest(p_days) AS k (snapshot_date)  -- noqa: RF02
        CROSS JOIN calendar AS c
        WHERE k.snapshot_date BETWEEN c.first_day AND c.last_day
    ),

    -- The days asked for as runs of consecutive days, with the instants each spans
    -- widened by a day on each side (a row is kept by its exact local day).
    runs AS MATERIALIZED (
        SELECT
            min(d.snapshot_date) AS first_day,
            max(d.snapshot_date) AS last_day,
            (min(d.snapshot_date)::timestamp AT TIME ZONE s.tz) - interval '1 day' AS starts_at,
            ((max(d.snapshot_date) + 1)::timestamp AT TIME ZONE s.tz) + interval '1 day' AS ends_at
        FROM (
            SELECT
                dd.snapshot_date,
                dd.snapshot_date - (row_number() OVER (ORDER BY dd.snapshot_date))::integer AS run
            FROM days AS dd
        ) AS d
        CROSS JOIN settings AS s
        GROUP BY d.run, s.tz
    ),

    -- From the first day asked for (k0) to the last: balances are carried over these days.
    span AS MATERIALIZED (
        SELECT
            min(r.first_day) AS first_day,
            max(r.last_day) AS last_day,
            min(r.starts_at) AS starts_at,
            max(r.ends_at) AS ends_at
        FROM runs AS r
    ),

    span_days AS (
        SELECT sp.first_day + g.i AS snapshot_date
        FROM span AS sp
        CROSS JOIN LATERAL generate_series(0, sp.last_day - sp.first_day) AS g (i)
    ),

    -- Import: succeeded payments (deposits, balances, refunds) with the local day of
    -- paid_at: all of them, or those of the runs asked for (by payments_paid_at_idx).
    succeeded_payments AS (
        SELECT
            p.kind,
            p.method,
            p.amount,
            (p.paid_at AT TIME ZONE s.tz)::date AS paid_date
        FROM public.payments AS p
        CROSS JOIN settings AS s
        WHERE
            p_days IS NULL  -- noqa: RF02
            AND p.status = 'succeeded'
            AND p.paid_at IS NOT NULL
        UNION ALL
        SELECT
            p.kind,
            p.method,
            p.amount,
            (p.paid_at AT TIME ZONE s.tz)::date
        FROM runs AS r
        CROSS JOIN settings AS s
        INNER JOIN public.payments AS p
            ON
                r.starts_at <= p.paid_at
                AND r.ends_at > p.paid_at
                AND (p.paid_at AT TIME ZONE s.tz)::date BETWEEN r.first_day AND r.last_day
        WHERE
            p_days IS NOT NULL  -- noqa: RF02
            AND p.status = 'succeeded'
    ),

    -- Import: money staff received outside Stripe, by the local day it was received.
    manual_receipts AS (
        SELECT
            m.amount,
            m.payment_id,
            (m.received_at AT TIME ZONE s.tz)::date AS received_date
        FROM public.manual_payments AS m
        CROSS JOIN settings AS s
        WHERE p_days IS NULL  -- noqa: RF02
        UNION ALL
        SELECT
            m.amount,
            m.payment_id,
            (m.received_at AT TIME ZONE s.tz)::date
        FROM runs AS r
        CROSS JOIN settings AS s
        INNER JOIN public.manual_payments AS m
            ON
                r.starts_at <= m.received_at
                AND r.ends_at > m.received_at
                AND (m.received_at AT TIME ZONE s.tz)::date BETWEEN r.first_day AND r.last_day
        WHERE p_days IS NOT NULL  -- noqa: RF02
    ),

    -- Import: ledger rows (signed amounts) by the local day they occurred.
    ledger AS (
        SELECT
            ft.kind,
            ft.amount,
            (ft.occurred_at AT TIME ZONE s.tz)::date AS occurred_date
        FROM public.financial_transactions AS ft
        CROSS JOIN settings AS s
        WHERE p_days IS NULL  -- noqa: RF02
        UNION ALL
        SELECT
            ft.kind,
            ft.amount,
            (ft.occurred_at AT TIME ZONE s.tz)::date
        FROM runs AS r
        CROSS JOIN settings AS s
        INNER JOIN public.financial_transactions AS ft
            ON
                r.starts_at <= ft.occurred_at
                AND r.ends_at > ft.occurred_at
                AND (ft.occurred_at AT TIME ZONE s.tz)::date BETWEEN r.first_day AND r.last_day
        WHERE p_days IS NOT NULL  -- noqa: RF02
    ),

    -- Import: Stripe payouts that did not fail (all: a few a day). A payout is on its way
    -- from the day it was created until the day it arrived in the bank: arrived_at, or for
    -- a payout Stripe reports paid (or finance reconciled) without arrived_at, Stripe's
    -- expected_at. Failed payouts never arrive and the table does not say when they failed.
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

    -- Import: installments that are not cancelled. One is outstanding from the local day it
    -- was created until the local day it was paid (paid_at is set exactly when status is
    -- paid); it is overdue from the day after its due day. Only those created by the end of
    -- the span and not paid before it: an installment paid before k0 adds and takes back
    -- its amount before k0, it changes no balance of the span.
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
            AND ps.created_at < (SELECT sp.ends_at FROM span AS sp)
            AND (ps.paid_at IS NULL OR ps.paid_at >= (SELECT sp.starts_at FROM span AS sp))
    ),

    -- Metrics: flows of the days asked for.

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

    -- Balances: pending payouts at the end of a day: +amount on the day created, -amount
    -- on the day arrived; the running sum over the span is the amount still on its way
    -- (a change before k0 counts on k0: the running sum starts with the balance of k0).
    payouts_pending_changes AS (
        SELECT
            greatest(po.created_date, sp.first_day) AS snapshot_date,
            po.amount,
            1 AS n
        FROM payouts AS po
        CROSS JOIN span AS sp
        WHERE
            (po.arrived_date IS NULL OR po.arrived_date > po.created_date)
            AND po.created_date <= sp.last_day
        UNION ALL
        SELECT
            greatest(po.arrived_date, sp.first_day) AS snapshot_date,
            -po.amount AS amount,
            -1 AS n
        FROM payouts AS po
        CROSS JOIN span AS sp
        WHERE
            po.arrived_date > po.created_date
            AND po.arrived_date <= sp.last_day
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
            greatest(i.created_date, sp.first_day) AS snapshot_date,
            i.amount_due AS ar,
            0 AS overdue
        FROM installments AS i
        CROSS JOIN span AS sp
        WHERE
            (i.paid_date IS NULL OR i.paid_date > i.created_date)
            AND i.created_date <= sp.last_day
        UNION ALL
        SELECT
            greatest(i.paid_date, sp.first_day) AS snapshot_date,
            -i.amount_due AS ar,
            0 AS overdue
        FROM installments AS i
        CROSS JOIN span AS sp
        WHERE
            i.paid_date > i.created_date
            AND i.paid_date <= sp.last_day
        UNION ALL
        SELECT
            greatest(i.created_date, i.overdue_from, sp.first_day) AS snapshot_date,
            0 AS ar,
            i.amount_due AS overdue
        FROM installments AS i
        CROSS JOIN span AS sp
        WHERE
            (i.paid_date IS NULL OR i.paid_date > greatest(i.created_date, i.overdue_from))
            AND greatest(i.created_date, i.overdue_from) <= sp.last_day
        UNION ALL
        SELECT
            greatest(i.paid_date, sp.first_day) AS snapshot_date,
            0 AS ar,
            -i.amount_due AS overdue
        FROM installments AS i
        CROSS JOIN span AS sp
        WHERE
            i.paid_date > greatest(i.created_date, i.overdue_from)
            AND i.paid_date <= sp.last_day
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
            sd.snapshot_date,
            sum(coalesce(pp.amount, 0)) OVER w AS payouts_pending,
            sum(coalesce(pp.n, 0)) OVER w AS payouts_pending_count,
            sum(coalesce(ar.ar, 0)) OVER w AS ar_balance,
            sum(coalesce(ar.overdue, 0)) OVER w AS ar_overdue
        FROM span_days AS sd
        LEFT JOIN payouts_pending_by_day AS pp ON sd.snapshot_date = pp.snapshot_date
        LEFT JOIN ar_by_day AS ar ON sd.snapshot_date = ar.snapshot_date
        WINDOW w AS (ORDER BY sd.snapshot_date)
    ),

    final AS (
        SELECT
            d.snapshot_date,
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
        FROM days AS d
        INNER JOIN balances AS b ON d.snapshot_date = b.snapshot_date
        LEFT JOIN stripe_collections_by_day AS sc ON d.snapshot_date = sc.snapshot_date
        LEFT JOIN manual_collections_by_day AS mc ON d.snapshot_date = mc.snapshot_date
        LEFT JOIN refunds_by_day AS rf ON d.snapshot_date = rf.snapshot_date
        LEFT JOIN ledger_by_day AS lg ON d.snapshot_date = lg.snapshot_date
        LEFT JOIN payouts_arrived_by_day AS pa ON d.snapshot_date = pa.snapshot_date
    )

    SELECT
        f.snapshot_date,
        f.stripe_collections,
        f.manual_collections,
        f.total_collections,
        f.manual_unposted,
        f.refunds,
        f.fees,
        f.ledger_net,
        f.payouts_arrived,
        f.payouts_pending,
        f.payouts_pending_count,
        f.ar_balance,
        f.ar_overdue
    FROM final AS f;
END;

COMMENT ON FUNCTION pgfresh.mv_financial_summary_rows(date[]) IS
'The rows of analytics.mv_financial_summary for the local days given (NULL: every day of the calendar); a day outside the calendar gives no row.';

-- The engine's own helper (called as the owner by the refresh); readers read the table.
REVOKE ALL ON FUNCTION pgfresh.mv_financial_summary_rows(date[]) FROM public;
