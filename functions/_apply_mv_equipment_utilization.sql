-- pgfresh._apply_mv_equipment_utilization(full): the refresh of the incremental
-- analytics.mv_equipment_utilization; _execute_run calls it under the view's advisory lock,
-- in the run's transaction (subtransaction), and records the outcome.
-- requires: functions/_take_changes.sql, views/mv_equipment_utilization.sql
-- Incremental (p_full false): the dirty (machine, day) keys are
--   * the keys of the source changes taken now (pgfresh._take_changes: committed since the
--     previous refresh took its changes; a change committed meanwhile is taken by the
--     next), by these rules, clipped to the period:
--       public.bookings               its machines, its days (the rental's);
--       public.equipment_utilization  its machines, its days (usage_date, exact);
--       public.equipment              its machines, every day (category, acquisition day);
--       public.equipment_maintenance  its machines, from its first day up to today: a job
--                                     carries forward (in the shop from started_at; a
--                                     completed job's next_due_at holds until the next);
--       anything else (a TRUNCATE, a settings change, a source without a rule here, the
--       first take after an upgrade): everything, a full rebuild;
--   * every machine on the days between the period's ends and the days the table holds
--     (a new day, a longer lookback, older telemetry);
-- rows of days that left the period are deleted; then, in this one transaction, the
-- dirty keys are deleted and re-inserted from pgfresh.mv_equipment_utilization_rows.
-- Readers see the old rows until the commit, then the new ones; nobody waits (no lock
-- beyond ROW EXCLUSIVE). Full (p_full, an empty table, everything, or more dirty keys than
-- a quarter of the rows, bounded before any is expanded): all rows deleted and inserted
-- again, in one transaction too.
-- jit off: the keys' estimates grow with the fleet (machines x days of the period) past
-- jit_above_cost, and compiling cost 1.2 s (sample scale 1) for a query of 1 ms; with it,
-- the refresh after one booking change grew with the fleet (scale 3: 3.1x scale 1).
-- Returns the number of source changes it took.
CREATE FUNCTION pgfresh._apply_mv_equipment_utilization(p_full boolean)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET jit = off
AS $$
DECLARE
    v_first_day date;
    v_today date;
    v_machines bigint;
    v_held_first date;
    v_held_last date;
    v_keys pgfresh.source_changes[];
    v_taken integer;
    v_everything boolean;
    v_estimate bigint;
    v_ids uuid[];
    v_days date[];
BEGIN
    -- The changes taken now (first, before any source is read), as keys of this view (the
    -- rules above): machines (NULL: every machine), first and last day (NULL: the period's
    -- first day, today).
    SELECT
        pg_catalog.array_agg(ROW(
            NULL, c.source_table, c.operation, c.equipment_ids, c.first_day,
            CASE WHEN c.source_table = 'public.equipment_maintenance' THEN NULL ELSE c.last_day END,
            NULL, NULL, NULL
        )::pgfresh.source_changes),
        count(*)::integer,
        coalesce(bool_or(
            (c.equipment_ids IS NULL AND c.first_day IS NULL AND c.last_day IS NULL)
            OR NOT coalesce(c.source_table = ANY (ARRAY[
                'public.bookings', 'public.equipment_utilization', 'public.equipment',
                'public.equipment_maintenance'
            ]), FALSE)
        ), FALSE)
      INTO v_keys, v_taken, v_everything
      FROM pgfresh._take_changes('mv_equipment_utilization') AS c;

    SELECT w.first_day, w.today INTO v_first_day, v_today
      FROM pgfresh.mv_equipment_utilization_window() AS w;
    SELECT count(*) INTO v_machines FROM public.equipment;
    SELECT min(t.snapshot_date), max(t.snapshot_date) INTO v_held_first, v_held_last
      FROM analytics.mv_equipment_utilization AS t;
    -- an upper bound of the (machine, day) keys they touch
    SELECT coalesce(sum(
            coalesce(pg_catalog.cardinality(k.equipment_ids), v_machines) * greatest(0,
                least(coalesce(k.last_day, v_today), v_today)
                - greatest(coalesce(k.first_day, v_first_day), v_first_day) + 1)
        ), 0)::bigint
      INTO v_estimate
      FROM pg_catalog.unnest(v_keys) AS k;
    -- days the table does not hold yet, for every machine
    v_estimate := v_estimate + v_machines * (
        greatest(0, coalesce(v_held_first - v_first_day, 0)) + greatest(0, coalesce(v_today - v_held_last, 0)));

    -- Everything, or more keys than a quarter of the rows: a full rebuild is cheaper.
    IF p_full OR v_everything OR v_held_first IS NULL
       OR v_estimate > (v_today - v_first_day + 1) * v_machines / 4 THEN
        DELETE FROM analytics.mv_equipment_utilization;
        INSERT INTO analytics.mv_equipment_utilization
        SELECT * FROM pgfresh.mv_equipment_utilization_rows(NULL, NULL);
        RETURN v_taken;
    END IF;

    -- Expand the keys into the dirty (machine, day) pairs, each once, with every machine on
    -- the days the table does not hold yet.
    WITH
    pairs AS (
        SELECT m.equipment_id, d.snapshot_date::date AS snapshot_date
          FROM pg_catalog.unnest(v_keys) AS c
          CROSS JOIN LATERAL (
            SELECT u.id FROM pg_catalog.unnest(c.equipment_ids) AS u (id)
            UNION ALL
            SELECT e.id FROM public.equipment AS e WHERE c.equipment_ids IS NULL
          ) AS m (equipment_id)
          CROSS JOIN LATERAL pg_catalog.generate_series(
            greatest(coalesce(c.first_day, v_first_day), v_first_day)::timestamp,
            least(coalesce(c.last_day, v_today), v_today)::timestamp,
            interval '1 day'
          ) AS d (snapshot_date)
        UNION
        SELECT e.id, d.snapshot_date::date
          FROM public.equipment AS e
          CROSS JOIN LATERAL pg_catalog.generate_series(
            v_first_day::timestamp, v_today::timestamp, interval '1 day'
          ) AS d (snapshot_date)
         WHERE d.snapshot_date < v_held_first OR d.snapshot_date > v_held_last
    )
    SELECT
        (SELECT array_agg(k.equipment_id ORDER BY k.equipment_id, k.snapshot_date) FROM pairs AS k),
        (SELECT array_agg(k.snapshot_date ORDER BY k.equipment_id, k.snapshot_date) FROM pairs AS k)
      INTO v_ids, v_days;

    -- days that left the period (only when some did: the condition alone would scan the table)
    IF v_held_first < v_first_day OR v_held_last > v_today THEN
        DELETE FROM analytics.mv_equipment_utilization AS t
         WHERE t.snapshot_date < v_first_day OR t.snapshot_date > v_today;
    END IF;
    IF v_ids IS NULL THEN
        RETURN v_taken;
    END IF;
    DELETE FROM analytics.mv_equipment_utilization AS t
     USING unnest(v_ids, v_days) AS k (equipment_id, snapshot_date)
     WHERE t.equipment_id = k.equipment_id AND t.snapshot_date = k.snapshot_date;
    -- EXECUTE: planned for these keys (a cached generic plan would not know how few they are)
    EXECUTE 'INSERT INTO analytics.mv_equipment_utilization '
            'SELECT * FROM pgfresh.mv_equipment_utilization_rows($1, $2)'
      USING v_ids, v_days;
    RETURN v_taken;
END
$$;

COMMENT ON FUNCTION pgfresh._apply_mv_equipment_utilization(boolean) IS
'Refreshes analytics.mv_equipment_utilization: the (machine, day) keys of its source changes and the days that entered or left the period (p_full: every row), in the current transaction. Returns the source changes taken. Called by pgfresh._execute_run.';

REVOKE ALL ON FUNCTION pgfresh._apply_mv_equipment_utilization(boolean) FROM public;
