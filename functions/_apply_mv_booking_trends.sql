-- pgfresh._apply_mv_booking_trends(full): the refresh of the incremental
-- analytics.mv_booking_trends; _execute_run calls it under the view's advisory lock, in
-- the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_take_changes.sql, views/mv_booking_trends.sql
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
-- rows of days that left the calendar are deleted; then, in this one transaction, the
-- dirty days are deleted and re-inserted from pgfresh.mv_booking_trends_rows. Readers see
-- the old rows until the commit, then the new ones; nobody waits (no lock beyond ROW
-- EXCLUSIVE). Full (p_full, an empty table, everything, or more dirty days than a quarter
-- of the calendar, bounded before any is expanded): all rows deleted and inserted again,
-- in one transaction too.
-- jit off: the planner's estimate of a full computation passes jit_above_cost, and
-- compiling it cost 2 s here for a 0.5 s query (sample scale 1).
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_booking_trends(p_full boolean)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_firsts date[];
    v_lasts date[];
    v_taken integer;
    v_everything boolean;
    v_first_day date;
    v_last_day date;
    v_held_first date;
    v_held_last date;
    v_estimate bigint;
    v_days date[];
BEGIN
    -- The changes taken now (first, before any source is read), as ranges of days.
    SELECT
        pg_catalog.array_agg(c.first_day),
        pg_catalog.array_agg(c.last_day),
        count(*),
        coalesce(bool_or(
            c.first_day IS NULL OR c.last_day IS NULL
            OR NOT coalesce(c.source_table = ANY (ARRAY['public.bookings']), FALSE)
        ), FALSE)
      INTO v_firsts, v_lasts, v_taken, v_everything
      FROM pgfresh._take_changes('mv_booking_trends') AS c;

    SELECT c.first_day, c.last_day INTO v_first_day, v_last_day
      FROM pgfresh.mv_booking_trends_calendar() AS c;
    SELECT min(t.bucket_date), max(t.bucket_date) INTO v_held_first, v_held_last
      FROM analytics.mv_booking_trends AS t;
    -- an upper bound of the days they touch, with the days the table does not hold yet
    SELECT coalesce(sum(greatest(0, least(k.last_day, v_last_day) - greatest(k.first_day, v_first_day) + 1)), 0)
           + greatest(0, coalesce(v_held_first - v_first_day, 0))
           + greatest(0, coalesce(v_last_day - v_held_last, 0))
      INTO v_estimate
      FROM unnest(v_firsts, v_lasts) AS k (first_day, last_day);

    -- Everything, or more days than a quarter of the calendar: a full rebuild is cheaper.
    IF p_full OR v_everything OR v_held_first IS NULL
       OR v_estimate > (v_last_day - v_first_day + 1) / 4 THEN
        DELETE FROM analytics.mv_booking_trends;
        INSERT INTO analytics.mv_booking_trends
        SELECT * FROM pgfresh.mv_booking_trends_rows(NULL);
        RETURN v_taken;
    END IF;

    -- The dirty days, each once: the changes' days in the calendar, and the calendar's days
    -- the table does not hold.
    SELECT pg_catalog.array_agg(DISTINCT d.day::date ORDER BY d.day::date) INTO v_days
      FROM (
        SELECT g.day
          FROM unnest(v_firsts, v_lasts) AS k (first_day, last_day)
         CROSS JOIN LATERAL pg_catalog.generate_series(
            greatest(k.first_day, v_first_day)::timestamp, least(k.last_day, v_last_day)::timestamp,
            interval '1 day'
         ) AS g (day)
        UNION ALL
        SELECT g.day
          FROM pg_catalog.generate_series(v_first_day::timestamp, v_last_day::timestamp, interval '1 day') AS g (day)
         WHERE g.day < v_held_first OR g.day > v_held_last
      ) AS d;

    -- days that left the calendar
    DELETE FROM analytics.mv_booking_trends AS t
     WHERE t.bucket_date < v_first_day OR t.bucket_date > v_last_day;
    IF v_days IS NULL THEN
        RETURN v_taken;
    END IF;
    DELETE FROM analytics.mv_booking_trends AS t WHERE t.bucket_date = ANY (v_days);
    -- EXECUTE: planned for these days (a cached generic plan would not know how few they are)
    EXECUTE 'INSERT INTO analytics.mv_booking_trends SELECT * FROM pgfresh.mv_booking_trends_rows($1)'
      USING v_days;
    RETURN v_taken;
END
$$;

COMMENT ON FUNCTION pgfresh._apply_mv_booking_trends(boolean) IS
'Refreshes analytics.mv_booking_trends: the local days of its source changes and the days that entered or left the calendar (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_booking_trends(boolean) FROM public;
