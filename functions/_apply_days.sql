-- pgfresh._apply_days(view, full, day_sources): the refresh of an incremental view keyed by
-- local day (analytics.<view>, bucket_date its primary key), defined by
-- pgfresh.<view>_rows(days) over the calendar pgfresh.<view>_calendar(); called by the
-- view's own pgfresh._apply_<view>(boolean), whose header says what each source dirties.
-- requires: functions/_take_changes.sql
-- Incremental (p_full false): the dirty local days are
--   * the days of the source changes taken now (pgfresh._take_changes, first, before any
--     source is read: committed since the previous refresh took its changes; a change
--     committed meanwhile is taken by the next) of the sources in p_day_sources: their
--     first_day .. last_day (the capture's UTC days widened by one on each side, which
--     hold every local day their instants fall on), clipped to the calendar; a change of
--     any other source, or with NULL days (a TRUNCATE, a settings change such as the
--     business time zone, the first take after an upgrade): everything, a full rebuild;
--   * the days of the calendar the table does not hold yet (a new day after midnight, a
--     backdated first row);
-- rows of days that left the calendar are deleted; then, in this one transaction, the
-- dirty days are deleted and re-inserted from pgfresh.<view>_rows(days). Readers see the
-- old rows until the commit, then the new ones; nobody waits (no lock beyond ROW
-- EXCLUSIVE). Full (p_full, an empty table, everything, or more dirty days than a quarter
-- of the calendar, bounded before any is expanded): all rows deleted and inserted again,
-- in one transaction too.
-- jit off: the planner's estimate of a full computation passes jit_above_cost, and
-- compiling it cost 2 s here for a 0.5 to 0.7 s query (sample scale 1).
-- The names are the caller's constants, quoted with %I. Returns the source changes taken.
CREATE FUNCTION pgfresh._apply_days(p_view text, p_full boolean, p_day_sources text[])
RETURNS integer
LANGUAGE plpgsql
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
    -- The changes taken now, as ranges of days.
    SELECT
        pg_catalog.array_agg(c.first_day),
        pg_catalog.array_agg(c.last_day),
        count(*)::integer,
        coalesce(bool_or(
            c.first_day IS NULL OR c.last_day IS NULL OR NOT coalesce(c.source_table = ANY (p_day_sources), FALSE)
        ), FALSE)
      INTO v_firsts, v_lasts, v_taken, v_everything
      FROM pgfresh._take_changes(p_view) AS c;

    EXECUTE pg_catalog.format('SELECT c.first_day, c.last_day FROM pgfresh.%I() AS c', p_view || '_calendar')
       INTO v_first_day, v_last_day;
    EXECUTE pg_catalog.format('SELECT min(t.bucket_date), max(t.bucket_date) FROM analytics.%I AS t', p_view)
       INTO v_held_first, v_held_last;
    -- an upper bound of the days they touch, with the days the table does not hold yet
    SELECT coalesce(sum(greatest(0, least(k.last_day, v_last_day) - greatest(k.first_day, v_first_day) + 1)), 0)
           + greatest(0, coalesce(v_held_first - v_first_day, 0))
           + greatest(0, coalesce(v_last_day - v_held_last, 0))
      INTO v_estimate
      FROM unnest(v_firsts, v_lasts) AS k (first_day, last_day);

    -- Everything, or more days than a quarter of the calendar: a full rebuild is cheaper.
    IF p_full OR v_everything OR v_held_first IS NULL
       OR v_estimate > (v_last_day - v_first_day + 1) / 4 THEN
        EXECUTE pg_catalog.format('DELETE FROM analytics.%I', p_view);
        EXECUTE pg_catalog.format('INSERT INTO analytics.%I SELECT * FROM pgfresh.%I(NULL)', p_view, p_view || '_rows');
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
    EXECUTE pg_catalog.format('DELETE FROM analytics.%I AS t WHERE t.bucket_date < $1 OR t.bucket_date > $2', p_view)
      USING v_first_day, v_last_day;
    IF v_days IS NULL THEN
        RETURN v_taken;
    END IF;
    EXECUTE pg_catalog.format('DELETE FROM analytics.%I AS t WHERE t.bucket_date = ANY ($1)', p_view)
      USING v_days;
    -- planned for these days (EXECUTE: no cached generic plan that would not know how few)
    EXECUTE pg_catalog.format('INSERT INTO analytics.%I SELECT * FROM pgfresh.%I($1)', p_view, p_view || '_rows')
      USING v_days;
    RETURN v_taken;
END
$$;

COMMENT ON FUNCTION pgfresh._apply_days(text, boolean, text[]) IS
'Refreshes a day-keyed incremental view (analytics.<view> from pgfresh.<view>_rows over pgfresh.<view>_calendar): the local days of the changes of p_day_sources and the days that entered or left the calendar; any other change, or p_full: every row. In the current transaction; returns the source changes taken. Called by pgfresh._apply_<view>.';

REVOKE ALL ON FUNCTION pgfresh._apply_days(text, boolean, text[]) FROM public;
