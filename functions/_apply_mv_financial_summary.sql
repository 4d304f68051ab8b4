-- pgfresh._apply_mv_financial_summary(full): the refresh of the incremental
-- analytics.mv_financial_summary; _execute_run calls it under the view's advisory lock, in
-- the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_take_changes.sql, views/mv_financial_summary.sql
-- Incremental (p_full false): the dirty local days are
--   * the days of the source changes taken now (pgfresh._take_changes: committed since the
--     previous refresh took its changes; a change committed meanwhile is taken by the
--     next; first_day .. last_day hold every local day the change's instants fall on), by
--     what each source feeds in a row:
--       public.payments                flows (collections, refunds): its days;
--       public.manual_payments         flows (manual collections, unposted): its days;
--       public.financial_transactions  flows (fees, ledger net): its days;
--       public.payout_reconciliations  a flow (payouts arrived) and a balance carried
--                                      forward (payouts pending): its first day onward;
--       public.payment_schedules       balances carried forward (ar_balance, ar_overdue):
--                                      its first day onward;
--     "onward" is up to the last day of the calendar (today, or a later payment, receipt
--     or ledger day); nothing else is dirty: a balance of day D depends on no later day,
--     a flow on no other day;
--   * the days entering or leaving the calendar at its end: the days after the last one
--     the table holds (a new day after midnight), and, when anything changed, every day
--     held after today (future events moved or deleted);
-- then, in this one transaction, the dirty days are deleted and re-inserted from
-- pgfresh.mv_financial_summary_rows (which gives no row for a day outside the calendar).
-- Readers see the old rows until the commit, then the new ones; nobody waits (no lock
-- beyond ROW EXCLUSIVE). Full (p_full, an empty table, everything (a TRUNCATE, a settings
-- change, a source without a rule here, the first take after an upgrade), a change on or
-- before the first day the table holds (the calendar's start may move), or more dirty
-- days than a quarter of the rows, counted before any is expanded): all rows deleted and
-- inserted again, in one transaction too.
-- Balances are recomputed by the row function from the sources (the open balance at the
-- end of the first dirty day, then the day-by-day changes), not carried forward from the
-- stored row of the day before: payment_schedules has no index on created_at or paid_at,
-- so both ways scan it once, and carrying forward measured no faster.
-- jit off: the row function's estimates for a few days are large (parameterized range
-- scans), and JIT-compiling that plan took 5 s of a 0.1 s refresh.
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_financial_summary(p_full boolean)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_today date;
    v_held_first date;
    v_held_last date;
    v_taken integer;
    v_everything boolean;
    v_flows daterange[];
    v_onward date;
    v_last date;
    v_estimate bigint;
    v_days date[];
BEGIN
    -- The changes taken now (first, before any source is read), by the rules above: the
    -- day ranges of flows, the first day of balances carried forward, the last day named.
    SELECT
        count(*)::integer,
        coalesce(bool_or(
            c.first_day IS NULL OR c.last_day IS NULL
            OR NOT coalesce(c.source_table = ANY (ARRAY[
                'public.payments', 'public.manual_payments', 'public.financial_transactions',
                'public.payout_reconciliations', 'public.payment_schedules'
            ]), FALSE)
        ), FALSE),
        pg_catalog.array_agg(pg_catalog.daterange(c.first_day, c.last_day, '[]'))
            FILTER (WHERE c.source_table <> 'public.payment_schedules'),
        min(c.first_day)
            FILTER (WHERE c.source_table IN ('public.payout_reconciliations', 'public.payment_schedules')),
        max(c.last_day)
      INTO v_taken, v_everything, v_flows, v_onward, v_last
      FROM pgfresh._take_changes('mv_financial_summary') AS c;

    v_today := (pg_catalog.now() AT TIME ZONE pgfresh.setting('business_timezone'))::date;
    SELECT min(t.snapshot_date), max(t.snapshot_date) INTO v_held_first, v_held_last
      FROM analytics.mv_financial_summary AS t;
    -- the calendar's last day is today or a later event's day: no dirty day after this
    v_last := greatest(v_today, v_held_last, v_last);
    -- an upper bound of the dirty days (the table holds one row per day of the calendar)
    SELECT coalesce(sum(pg_catalog.upper(r) - pg_catalog.lower(r)), 0)
      INTO v_estimate
      FROM pg_catalog.unnest(v_flows) AS r;
    v_estimate := v_estimate
        + coalesce(v_last - v_onward + 1, 0)
        + coalesce(v_last - least(v_held_last, v_today), 0);

    IF p_full OR v_everything OR v_held_first IS NULL
       OR (SELECT min(pg_catalog.lower(r)) FROM pg_catalog.unnest(v_flows) AS r) <= v_held_first
       OR v_onward <= v_held_first
       OR v_estimate > (v_held_last - v_held_first + 1) / 4 THEN
        DELETE FROM analytics.mv_financial_summary;
        INSERT INTO analytics.mv_financial_summary
        SELECT * FROM pgfresh.mv_financial_summary_rows(NULL);
        RETURN v_taken;
    END IF;

    -- The dirty days, each once.
    SELECT pg_catalog.array_agg(DISTINCT d.day::date ORDER BY d.day::date)
      INTO v_days
      FROM (
        SELECT g.day
          FROM pg_catalog.unnest(v_flows) AS r
         CROSS JOIN LATERAL pg_catalog.generate_series(
            pg_catalog.lower(r)::timestamp, least(pg_catalog.upper(r) - 1, v_last)::timestamp, interval '1 day'
         ) AS g (day)
        UNION ALL
        -- balances carried forward: the first day of such a change onward
        SELECT g.day
          FROM pg_catalog.generate_series(v_onward::timestamp, v_last::timestamp, interval '1 day') AS g (day)
        UNION ALL
        -- the end of the calendar: new days, and when anything changed, the days after today
        SELECT g.day
          FROM pg_catalog.generate_series(
            (CASE WHEN v_taken > 0 THEN least(v_held_last, v_today) ELSE v_held_last END + 1)::timestamp,
            v_last::timestamp, interval '1 day'
          ) AS g (day)
      ) AS d;
    IF v_days IS NULL THEN
        RETURN v_taken;
    END IF;

    DELETE FROM analytics.mv_financial_summary AS t WHERE t.snapshot_date = ANY (v_days);
    -- EXECUTE: planned for these days (a cached generic plan would not know how few they are)
    EXECUTE 'INSERT INTO analytics.mv_financial_summary SELECT * FROM pgfresh.mv_financial_summary_rows($1)'
      USING v_days;
    RETURN v_taken;
END
$$;

COMMENT ON FUNCTION pgfresh._apply_mv_financial_summary(boolean) IS
'Refreshes analytics.mv_financial_summary: the days its source changes dirty (a flow: its days; a balance: its first day onward) and the days that entered or left the end of the calendar (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_financial_summary(boolean) FROM public;
