-- pgfresh._apply_mv_dashboard_kpis(full): the refresh of the incremental
-- analytics.mv_dashboard_kpis; _execute_run calls it under the view's advisory lock, in
-- the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_take_changes.sql, views/mv_dashboard_kpis.sql, functions/mv_dashboard_kpis_calendar.sql
-- Incremental (p_full false). It takes the changes of its sources first
-- (pgfresh._take_changes), each with the local days first_day .. last_day its old and new
-- rows' instants fall on (widened by a day), and dirties, clipped to the calendar:
--   * public.bookings (bookings created, customers on rent), public.payments (revenue),
--     public.equipment_utilization (utilization): counts of a day. A change dirties its
--     days D and the growth of D + 1 and D + 7 (the day and the week after).
--   * public.payment_schedules (outstanding and overdue balances), and
--     public.insurance_documents (overdue insurance): carried-forward balances. A change
--     dirties its first day D onward, to the calendar's end (D + 1 and D + 7 included),
--     and nothing before it.
--   * the calendar: days that entered it (a new day after midnight, an earlier first
--     event, a later last one) with their D + 1 and D + 7 (their growth had no previous
--     day); days that left it are deleted, with the D + 1 and D + 7 that remain (their
--     growth lost its previous day). The first day is looked up in full (a scan of the
--     sources without a time index) only when a change touches a day up to it.
-- The dirty days are rewritten in this one transaction: days that left the calendar are
-- deleted, the others inserted or updated in place from pgfresh.mv_dashboard_kpis_rows
-- (INSERT ... ON CONFLICT DO UPDATE: the row function reads the stored rows in the
-- statement's snapshot, before it writes). It passes p_stored: the sources without
-- changes, whose values it reads from the stored rows; balances of dirty days are carried
-- forward from the stored balance of the day before the first day read. Readers see the
-- old rows until the commit; nobody waits (no lock beyond ROW EXCLUSIVE).
-- Full (p_full, an empty table, "everything" -- a TRUNCATE, a settings change, the first
-- take, or a source without a rule here -- or more dirty days than a quarter of the
-- rows): all rows deleted and inserted from the sources alone, in one transaction too.
-- jit off: the row function's estimates at scale 3 pass jit_above_cost (about 58,000 for
-- every row at scale 1); compiling costs more than the few days' query, as for utilization.
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_dashboard_kpis(p_full boolean)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    c_counts CONSTANT text[] := ARRAY['public.bookings', 'public.payments', 'public.equipment_utilization'];
    c_balances CONSTANT text[] := ARRAY['public.payment_schedules', 'public.insurance_documents'];
    v_changes pgfresh.source_changes[];
    v_taken integer;
    v_everything boolean;
    v_changed text[];
    v_held_first date;
    v_held_last date;
    v_held_rows bigint;
    v_first date;
    v_last date;
    v_days date[];
BEGIN
    -- The changes taken now (first, before any source is read).
    SELECT
        pg_catalog.array_agg(c),
        count(*)::integer,
        coalesce(bool_or(
            (c.first_day IS NULL AND c.last_day IS NULL)
            OR NOT coalesce(c.source_table = ANY (c_counts || c_balances), FALSE)
        ), FALSE),
        pg_catalog.array_agg(DISTINCT c.source_table)
      INTO v_changes, v_taken, v_everything, v_changed
      FROM pgfresh._take_changes('mv_dashboard_kpis') AS c;

    SELECT min(t.snapshot_date), max(t.snapshot_date), count(*)
      INTO v_held_first, v_held_last, v_held_rows
      FROM analytics.mv_dashboard_kpis AS t;

    IF NOT (p_full OR v_everything OR v_held_first IS NULL) THEN
        -- The calendar now: its first day moves only with a change on a day up to it.
        IF EXISTS (SELECT FROM pg_catalog.unnest(v_changes) AS k WHERE k.first_day <= v_held_first) THEN
            SELECT w.first_day, w.last_day INTO v_first, v_last FROM pgfresh.mv_dashboard_kpis_calendar(NULL) AS w;
        ELSE
            SELECT v_held_first, w.last_day INTO v_first, v_last
              FROM pgfresh.mv_dashboard_kpis_calendar('infinity') AS w;
        END IF;

        -- The dirty days (the rules above), clipped to the calendar.
        SELECT pg_catalog.array_agg(DISTINCT d.day ORDER BY d.day) INTO v_days
          FROM (
            -- counts: their days, and the growth of the next day and week
            SELECT g.day::date + o.n AS day
              FROM pg_catalog.unnest(v_changes) AS k
             CROSS JOIN LATERAL pg_catalog.generate_series(
                greatest(k.first_day, v_first)::timestamp, least(k.last_day, v_last)::timestamp, interval '1 day'
             ) AS g (day)
             CROSS JOIN (VALUES (0), (1), (7)) AS o (n)
             WHERE k.source_table = ANY (c_counts)
            UNION ALL
            -- balances: from their first day onward
            SELECT g.day::date
              FROM pg_catalog.unnest(v_changes) AS k
             CROSS JOIN LATERAL pg_catalog.generate_series(
                greatest(k.first_day, v_first)::timestamp, v_last::timestamp, interval '1 day'
             ) AS g (day)
             WHERE k.source_table = ANY (c_balances)
            UNION ALL
            -- days that entered or left the calendar, the growth of the next day and week
            SELECT g.day::date + o.n
              FROM pg_catalog.generate_series(
                least(v_first, v_held_first)::timestamp, greatest(v_last, v_held_last)::timestamp, interval '1 day'
             ) AS g (day)
             CROSS JOIN (VALUES (0), (1), (7)) AS o (n)
             WHERE (g.day < v_first OR g.day > v_last) <> (g.day < v_held_first OR g.day > v_held_last)
          ) AS d
         WHERE d.day BETWEEN v_first AND v_last;
    END IF;

    -- Everything, or more days than a quarter of the rows: a full rebuild is cheaper.
    IF p_full OR v_everything OR v_held_first IS NULL
       OR coalesce(pg_catalog.cardinality(v_days), 0) > greatest(v_held_rows, v_last - v_first + 1) / 4 THEN
        DELETE FROM analytics.mv_dashboard_kpis;
        INSERT INTO analytics.mv_dashboard_kpis
        SELECT * FROM pgfresh.mv_dashboard_kpis_rows(NULL, NULL);
        RETURN v_taken;
    END IF;

    -- days that left the calendar (only when some did)
    IF v_held_first < v_first OR v_held_last > v_last THEN
        DELETE FROM analytics.mv_dashboard_kpis AS t
         WHERE t.snapshot_date < v_first OR t.snapshot_date > v_last;
    END IF;
    IF v_days IS NULL THEN
        RETURN v_taken;
    END IF;
    -- EXECUTE: planned for these days (a cached generic plan would not know how few they
    -- are, nor which sources are stored)
    EXECUTE 'INSERT INTO analytics.mv_dashboard_kpis AS t '
            'SELECT * FROM pgfresh.mv_dashboard_kpis_rows($1, $2) '
            'ON CONFLICT ON CONSTRAINT mv_dashboard_kpis_pkey '
            'DO UPDATE SET metrics = excluded.metrics, alerts = excluded.alerts'
      USING v_days, ARRAY(
        SELECT s.source FROM pg_catalog.unnest(c_counts || c_balances) AS s (source)
         WHERE NOT coalesce(s.source = ANY (v_changed), FALSE)
      );
    RETURN v_taken;
END
$$;

COMMENT ON FUNCTION pgfresh._apply_mv_dashboard_kpis(boolean) IS
'Refreshes analytics.mv_dashboard_kpis: the days its source changes dirty (counts: D, D + 1, D + 7; balances: D onward) and the days that entered or left the calendar (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_dashboard_kpis(boolean) FROM public;
