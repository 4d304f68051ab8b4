-- pgfresh._apply_mv_revenue_trends(full): the refresh of the incremental
-- analytics.mv_revenue_trends; _execute_run calls it under the view's advisory lock, in
-- the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_apply_days.sql, views/mv_revenue_trends.sql
-- Incremental (p_full false): the dirty local days are
--   * the days of the source changes taken now (pgfresh._take_changes: committed since the
--     previous refresh took its changes; a change committed meanwhile is taken by the
--     next), by these rules, clipped to the calendar:
--       public.payments           the days of its rows' paid_at and created_at (old and
--                                 new row; the capture's UTC days widened by one on each
--                                 side hold every local day they fall on): a payment
--                                 counts on its paid day only;
--       public.payment_schedules  the days of its rows' due_at, paid_at and created_at: an
--                                 installment counts on its due day only;
--       anything else (a TRUNCATE, a settings change such as the business time zone, a
--       source without a rule here, the first take after an upgrade): everything, a
--       full rebuild;
--     nothing carries forward: a day's row reads only that day's payments and installments;
--   * the days of the calendar the table does not hold yet (a new day after midnight, a
--     backdated first payment, a payment paid on a future day);
-- then pgfresh._apply_days deletes the rows of days that left the calendar, deletes and
-- re-inserts the dirty days from pgfresh.mv_revenue_trends_rows in this one transaction, or
-- rebuilds in full (p_full, an empty table, everything, or more dirty days than a quarter
-- of the calendar).
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_revenue_trends(p_full boolean)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
BEGIN ATOMIC
    SELECT pgfresh._apply_days('mv_revenue_trends', p_full, ARRAY['public.payments', 'public.payment_schedules']);
END;

COMMENT ON FUNCTION pgfresh._apply_mv_revenue_trends(boolean) IS
'Refreshes analytics.mv_revenue_trends: the local days of its source changes and the days that entered or left the calendar (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_revenue_trends(boolean) FROM public;
