-- pgfresh._apply_mv_booking_trends(full): the refresh of the incremental
-- analytics.mv_booking_trends; _execute_run calls it under the view's advisory lock, in
-- the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_apply_days.sql, views/mv_booking_trends.sql
-- Incremental (p_full false): the dirty local days are
--   * the days of the source changes taken now (pgfresh._take_changes: committed since the
--     previous refresh took its changes; a change committed meanwhile is taken by the
--     next), by these rules, clipped to the calendar:
--       public.bookings             the days of its rows' created_at and cancelled_at (and
--                                   start_at, end_at: the capture's keys are the hull of
--                                   all four, old and new row, UTC days widened by one on
--                                   each side, which holds every local day they fall on):
--                                   a booking counts on the day it was created (its
--                                   status, its insurance standing) and the day it was
--                                   cancelled, nowhere else;
--       public.insurance_documents  everything: a document counts on the day its BOOKING
--                                   was created, and the capture records no booking of a
--                                   document (its keys are the document's own instants,
--                                   months wide when it expires_at a year later): a full
--                                   rebuild until it does;
--       anything else (a TRUNCATE, a settings change such as the business time zone, a
--       source without a rule here, the first take after an upgrade): everything, a
--       full rebuild;
--     nothing carries forward: a day's row reads only the bookings created or cancelled
--     that day (and the insurance documents of the former);
--   * the days of the calendar the table does not hold yet (a new day after midnight, a
--     backdated first booking, a cancellation on a future day);
-- then pgfresh._apply_days deletes the rows of days that left the calendar, deletes and
-- re-inserts the dirty days from pgfresh.mv_booking_trends_rows in this one transaction, or
-- rebuilds in full (p_full, an empty table, everything, or more dirty days than a quarter
-- of the calendar).
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_booking_trends(p_full boolean)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
BEGIN ATOMIC
    SELECT pgfresh._apply_days('mv_booking_trends', p_full, ARRAY['public.bookings']);
END;

COMMENT ON FUNCTION pgfresh._apply_mv_booking_trends(boolean) IS
'Refreshes analytics.mv_booking_trends: the local days of its source changes and the days that entered or left the calendar (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_booking_trends(boolean) FROM public;
