-- pgfresh.mv_equipment_utilization_rows(equipment_ids, snapshot_dates): how a row of
-- analytics.mv_equipment_utilization is computed, for the (machine, local day) keys asked
-- for, or for every machine and day of the period when both arguments are NULL.
-- requires: tables/mv_equipment_utilization.sql, functions/mv_equipment_utilization_window.sql
-- The one definition of the view: the full rebuild (pgfresh.refresh_view(..., p_full =>
-- true), and the first refresh) inserts rows_of(NULL, NULL); the incremental refresh
-- (functions/_apply_mv_equipment_utilization.sql) deletes the dirty keys and inserts
-- rows_of(their machines, their days); pgfresh.verify_incremental compares the stored
-- rows of sampled days with rows_of(every machine, those days).
-- INCREMENTAL KEY: (equipment_id, snapshot_date). A row depends only on its machine's
-- rows of equipment, equipment_utilization (that day), bookings (overlapping that day)
-- and equipment_maintenance (jobs open that day; the last job completed by its end), and
-- on the period (not on the time of day): the capture triggers record exactly those keys.
-- The sources are read for the machines asked for only (joins on equipment_id, indexed
-- in every source table), so the cost follows the keys, not the history.
-- A key outside the period, before the machine's acquired_at or of a machine that does
-- not exist gives no row (so deleting the keys first removes rows that no longer exist).
-- (noqa RF02 below: sqlfluff takes the parameters for unqualified columns.)
-- Measured (make bench, sample scale 1, 385k rows, load average 9): every row (the full
-- rebuild) 9.9 s of backend CPU; one booking's keys, refresh included, 81 ms.
CREATE FUNCTION pgfresh.mv_equipment_utilization_rows(
    p_equipment_ids uuid[] DEFAULT NULL,
    p_snapshot_dates date[] DEFAULT NULL
)
RETURNS SETOF analytics.mv_equipment_utilization
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    period AS MATERIALIZED (
        SELECT
            w.tz,
            w.first_day,
            w.today
        FROM pgfresh.mv_equipment_utilization_window() AS w
    ),

    -- the keys asked for: the (machine, day) pairs, or every day of every machine from
    -- max(acquired_at, first day of the period) to today
    machine_days AS MATERIALIZED (
        SELECT
            e.id AS equipment_id,
            e.category,
            greatest(e.acquired_at, p.first_day) + g.n AS snapshot_date
        FROM public.equipment AS e
        CROSS JOIN period AS p
        CROSS JOIN LATERAL generate_series(0, p.today - greatest(e.acquired_at, p.first_day)) AS g (n)
        WHERE p_equipment_ids IS NULL AND e.acquired_at <= p.today  -- noqa: RF02
        UNION ALL
        SELECT
            e.id,
            e.category,
            k.snapshot_date
        FROM unnest(p_equipment_ids, p_snapshot_dates) AS k (equipment_id, snapshot_date)  -- noqa: RF02
        INNER JOIN public.equipment AS e ON k.equipment_id = e.id
        CROSS JOIN period AS p
        WHERE k.snapshot_date BETWEEN greatest(e.acquired_at, p.first_day) AND p.today
    ),

    -- each machine asked for, with the days and instants its keys span
    machines AS MATERIALIZED (
        SELECT
            md.equipment_id,
            min(md.snapshot_date) AS first_day,
            max(md.snapshot_date) AS last_day,
            (min(md.snapshot_date)::timestamp AT TIME ZONE p.tz) AS starts_at,
            ((max(md.snapshot_date) + 1)::timestamp AT TIME ZONE p.tz) AS ends_at
        FROM machine_days AS md
        CROSS JOIN period AS p
        GROUP BY md.equipment_id, p.tz
    ),

    -- import CTEs: sources of those machines, filtered to their days

    telemetry AS (
        SELECT
            u.equipment_id,
            u.usage_date,
            u.hours_used,
            u.hours_available
        FROM machines AS m
        INNER JOIN public.equipment_utilization AS u
            ON m.equipment_id = u.equipment_id AND u.usage_date BETWEEN m.first_day AND m.last_day
    ),

    -- bookings that hold a machine (confirmed, active, completed; not pending, cancelled or
    -- no-show) and overlap its days; a booking [start_at, end_at) touches the local days
    -- from the day of start_at to the day of its last instant (end_at - 1 microsecond)
    rentals AS MATERIALIZED (
        SELECT
            b.id,
            b.equipment_id,
            m.first_day AS machine_first_day,
            m.last_day AS machine_last_day,
            (b.start_at AT TIME ZONE p.tz)::date AS first_day,
            ((b.end_at AT TIME ZONE p.tz) - interval '1 microsecond')::date AS last_day,
            -- total_amount split equally over the local days the booking touches (all of
            -- them, also those outside the period), rounded to cents per day
            round(
                b.total_amount
                / (
                    ((b.end_at AT TIME ZONE p.tz) - interval '1 microsecond')::date
                    - (b.start_at AT TIME ZONE p.tz)::date + 1
                ),
                2
            ) AS revenue_share
        FROM machines AS m
        INNER JOIN public.bookings AS b ON m.equipment_id = b.equipment_id
        CROSS JOIN period AS p
        WHERE
            b.status IN ('confirmed', 'active', 'completed')
            AND b.end_at > m.starts_at
            AND b.start_at < m.ends_at
    ),

    -- maintenance jobs that had the machine in the shop: [started_at, completed_at), open
    -- while completed_at is NULL; cancelled and zero-length jobs do not count
    shop_visits AS MATERIALIZED (
        SELECT
            mt.equipment_id,
            m.first_day AS machine_first_day,
            m.last_day AS machine_last_day,
            (mt.started_at AT TIME ZONE p.tz)::date AS first_day,
            coalesce(((mt.completed_at AT TIME ZONE p.tz) - interval '1 microsecond')::date, p.today) AS last_day
        FROM machines AS m
        INNER JOIN public.equipment_maintenance AS mt ON m.equipment_id = mt.equipment_id
        CROSS JOIN period AS p
        WHERE
            mt.status <> 'cancelled'
            AND mt.started_at IS NOT NULL
            AND mt.started_at < m.ends_at
            AND (mt.completed_at IS NULL OR (mt.completed_at > mt.started_at AND mt.completed_at > m.starts_at))
    ),

    -- completed jobs: each sets the machine's next service date (next_due_at) until the next
    -- completed job (ties on completed_at are broken by id); it is the one in force at the
    -- end of the local days from the day of its completed_at to the day before the next
    -- job's completed_at
    services AS MATERIALIZED (
        SELECT
            s.equipment_id,
            s.machine_first_day,
            s.machine_last_day,
            s.next_due_at,
            (s.next_due_at AT TIME ZONE p.tz)::date AS due_day,
            (s.completed_at AT TIME ZONE p.tz)::date AS first_day,
            coalesce((s.next_completed_at AT TIME ZONE p.tz)::date - 1, p.today) AS last_day
        FROM (
            SELECT
                mt.equipment_id,
                m.first_day AS machine_first_day,
                m.last_day AS machine_last_day,
                m.starts_at AS machine_starts_at,
                mt.next_due_at,
                mt.completed_at,
                lead(mt.completed_at) OVER (PARTITION BY mt.equipment_id ORDER BY mt.completed_at, mt.id)
                    AS next_completed_at
            FROM machines AS m
            INNER JOIN public.equipment_maintenance AS mt ON m.equipment_id = mt.equipment_id
            WHERE mt.status = 'completed' AND mt.completed_at IS NOT NULL
        ) AS s
        CROSS JOIN period AS p
        WHERE s.next_completed_at IS NULL OR s.next_completed_at >= s.machine_starts_at
    ),

    -- metrics

    rental_days AS (
        SELECT
            r.equipment_id,
            r.first_day + g.n AS snapshot_date,
            r.revenue_share
        FROM rentals AS r
        CROSS JOIN LATERAL generate_series(
            greatest(r.first_day, r.machine_first_day) - r.first_day,
            least(r.last_day, r.machine_last_day) - r.first_day
        ) AS g (n)
    ),

    rental_revenue_by_day AS (
        SELECT
            rd.equipment_id,
            rd.snapshot_date,
            count(*) AS rentals,
            sum(rd.revenue_share) AS revenue
        FROM rental_days AS rd
        GROUP BY rd.equipment_id, rd.snapshot_date
    ),

    maintenance_days AS (
        SELECT DISTINCT
            v.equipment_id,
            v.first_day + g.n AS snapshot_date
        FROM shop_visits AS v
        CROSS JOIN LATERAL generate_series(
            greatest(v.first_day, v.machine_first_day) - v.first_day,
            least(v.last_day, v.machine_last_day) - v.first_day
        ) AS g (n)
    ),

    service_due_by_day AS (
        SELECT
            sv.equipment_id,
            sv.first_day + g.n AS snapshot_date,
            sv.next_due_at,
            sv.due_day
        FROM services AS sv
        CROSS JOIN LATERAL generate_series(
            greatest(sv.first_day, sv.machine_first_day) - sv.first_day,
            least(sv.last_day, sv.machine_last_day) - sv.first_day
        ) AS g (n)
    ),

    final AS (
        SELECT
            md.snapshot_date,
            md.equipment_id,
            md.category,
            t.hours_used,
            t.hours_available,
            round(100 * t.hours_used / nullif(t.hours_available, 0), 2) AS utilization_pct,
            (rr.rentals IS NOT NULL)::integer AS rented_days,
            coalesce(rr.revenue, 0) AS revenue,
            (mnt.equipment_id IS NOT NULL) AS under_maintenance,
            sd.next_due_at AS maintenance_due_at,
            -- next_due_at before the end of the day: due on that day or earlier
            coalesce(sd.due_day <= md.snapshot_date, FALSE) AS maintenance_due
        FROM machine_days AS md
        LEFT JOIN telemetry AS t
            ON md.equipment_id = t.equipment_id AND md.snapshot_date = t.usage_date
        LEFT JOIN rental_revenue_by_day AS rr
            ON md.equipment_id = rr.equipment_id AND md.snapshot_date = rr.snapshot_date
        LEFT JOIN maintenance_days AS mnt
            ON md.equipment_id = mnt.equipment_id AND md.snapshot_date = mnt.snapshot_date
        LEFT JOIN service_due_by_day AS sd
            ON md.equipment_id = sd.equipment_id AND md.snapshot_date = sd.snapshot_date
    )

    SELECT
        f.snapshot_date,
        f.equipment_id,
        f.category,
        f.hours_used,
        f.hours_available,
        f.utilization_pct,
        f.rented_days,
        f.revenue,
        f.under_maintenance,
        f.maintenance_due_at,
        f.maintenance_due
    FROM final AS f;
END;

COMMENT ON FUNCTION pgfresh.mv_equipment_utilization_rows(uuid[], date[]) IS
'The rows of analytics.mv_equipment_utilization for the (machine, local day) keys given as two arrays of equal length (NULL, NULL: every machine and day of the period); a key outside the period or the machine''s life gives no row.';

-- The engine's own helper (called as the owner by the refresh); readers read the table.
REVOKE ALL ON FUNCTION pgfresh.mv_equipment_utilization_rows(uuid[], date[]) FROM public;
