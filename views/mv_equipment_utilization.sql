-- analytics.mv_equipment_utilization: one row per machine per local calendar day (business
-- time zone) over the last utilization_lookback_days days: telemetry utilization %, whether
-- it was out on rent, booked revenue earned that day, maintenance state.
-- Read by the ops fleet view and the utilization charts. Refreshed hourly and when a
-- booking changes status.
-- Period: from max(today - utilization_lookback_days + 1, first equipment_utilization day)
-- to today, and for each machine not before its acquired_at. A daily row per machine for
-- all history grows without bound (1,000 machines x 3 years = 1.1M rows); 400 days keep a
-- year plus a month for year-over-year comparisons.
-- Measured on 2 shared cores (sample scale 1: 1,100 machines, 100k bookings, 385k rows):
-- REFRESH 6.3-8.0 s, CONCURRENTLY 12 s (it diffs all 385k rows); scale 2 (737k rows):
-- 8.2-11.4 s, CONCURRENTLY 20 s. JIT costs about 2.5 s of CPU of it (jit = off).
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_equipment_utilization AS
WITH
settings AS MATERIALIZED (
    SELECT
        z.tz,
        (now() AT TIME ZONE z.tz)::date AS today,
        pgfresh.setting('utilization_lookback_days')::integer AS lookback_days
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

period AS MATERIALIZED (
    SELECT
        d.tz,
        d.today,
        d.first_day,
        (d.first_day::timestamp AT TIME ZONE d.tz) AS starts_at,
        ((d.today + 1)::timestamp AT TIME ZONE d.tz) AS ends_at
    FROM (
        SELECT
            s.tz,
            s.today,
            -- greatest() ignores NULL: no telemetry at all means the whole lookback
            greatest(
                s.today - (s.lookback_days - 1),
                (SELECT min(u.usage_date) FROM public.equipment_utilization AS u)
            ) AS first_day
        FROM settings AS s
    ) AS d
),

-- import CTEs: sources filtered to the period

equipment AS (
    SELECT
        e.id AS equipment_id,
        e.category,
        greatest(e.acquired_at, p.first_day) AS first_day
    FROM public.equipment AS e
    CROSS JOIN period AS p
    WHERE e.acquired_at <= p.today
),

telemetry AS (
    SELECT
        u.equipment_id,
        u.usage_date,
        u.hours_used,
        u.hours_available
    FROM public.equipment_utilization AS u
    CROSS JOIN period AS p
    WHERE u.usage_date BETWEEN p.first_day AND p.today
),

-- bookings that hold a machine (confirmed, active, completed; not pending, cancelled or
-- no-show) and overlap the period; a booking [start_at, end_at) touches the local days
-- from the day of start_at to the day of its last instant (end_at - 1 microsecond)
rentals AS MATERIALIZED (
    SELECT
        b.id,
        b.equipment_id,
        (b.start_at AT TIME ZONE p.tz)::date AS first_day,
        ((b.end_at AT TIME ZONE p.tz) - interval '1 microsecond')::date AS last_day,
        -- total_amount split equally over the local days the booking touches (all of
        -- them, also those outside the period), rounded to cents per day
        round(
            b.total_amount
            / (((b.end_at AT TIME ZONE p.tz) - interval '1 microsecond')::date - (b.start_at AT TIME ZONE p.tz)::date + 1),
            2
        ) AS revenue_share
    FROM public.bookings AS b
    CROSS JOIN period AS p
    WHERE
        b.status IN ('confirmed', 'active', 'completed')
        AND b.end_at > p.starts_at
        AND b.start_at < p.ends_at
),

-- maintenance jobs that had the machine in the shop: [started_at, completed_at), open
-- while completed_at is NULL; cancelled and zero-length jobs do not count
shop_visits AS MATERIALIZED (
    SELECT
        m.equipment_id,
        (m.started_at AT TIME ZONE p.tz)::date AS first_day,
        coalesce(((m.completed_at AT TIME ZONE p.tz) - interval '1 microsecond')::date, p.today) AS last_day
    FROM public.equipment_maintenance AS m
    CROSS JOIN period AS p
    WHERE
        m.status <> 'cancelled'
        AND m.started_at IS NOT NULL
        AND m.started_at < p.ends_at
        AND (m.completed_at IS NULL OR (m.completed_at > m.started_at AND m.completed_at > p.starts_at))
),

-- completed jobs: each sets the machine's next service date (next_due_at) until the next
-- completed job (ties on completed_at are broken by id); it is the one in force at the
-- end of the local days from the day of its completed_at to the day before the next
-- job's completed_at
services AS MATERIALIZED (
    SELECT
        s.equipment_id,
        s.next_due_at,
        (s.next_due_at AT TIME ZONE p.tz)::date AS due_day,
        (s.completed_at AT TIME ZONE p.tz)::date AS first_day,
        coalesce((s.next_completed_at AT TIME ZONE p.tz)::date - 1, p.today) AS last_day
    FROM (
        SELECT
            m.equipment_id,
            m.next_due_at,
            m.completed_at,
            lead(m.completed_at) OVER (PARTITION BY m.equipment_id ORDER BY m.completed_at, m.id)
                AS next_completed_at
        FROM public.equipment_maintenance AS m
        WHERE m.status = 'completed' AND m.completed_at IS NOT NULL
    ) AS s
    CROSS JOIN period AS p
    WHERE s.next_completed_at IS NULL OR s.next_completed_at >= p.starts_at
),

machine_days AS (
    SELECT
        e.equipment_id,
        e.category,
        e.first_day + g.n AS snapshot_date
    FROM equipment AS e
    CROSS JOIN period AS p
    CROSS JOIN LATERAL generate_series(0, p.today - e.first_day) AS g (n)
),

-- metrics

rental_days AS (
    SELECT
        r.equipment_id,
        r.first_day + g.n AS snapshot_date,
        r.revenue_share
    FROM rentals AS r
    CROSS JOIN period AS p
    CROSS JOIN LATERAL generate_series(
        greatest(r.first_day, p.first_day) - r.first_day,
        least(r.last_day, p.today) - r.first_day
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
    CROSS JOIN period AS p
    CROSS JOIN LATERAL generate_series(
        greatest(v.first_day, p.first_day) - v.first_day,
        least(v.last_day, p.today) - v.first_day
    ) AS g (n)
),

service_due_by_day AS (
    SELECT
        sv.equipment_id,
        sv.first_day + g.n AS snapshot_date,
        sv.next_due_at,
        sv.due_day
    FROM services AS sv
    CROSS JOIN period AS p
    CROSS JOIN LATERAL generate_series(
        greatest(sv.first_day, p.first_day) - sv.first_day,
        least(sv.last_day, p.today) - sv.first_day
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

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_equipment_utilization_snapshot_date_equipment_id_idx
ON analytics.mv_equipment_utilization (snapshot_date, equipment_id);

-- the fleet view reads one machine's history
CREATE INDEX mv_equipment_utilization_equipment_id_idx
ON analytics.mv_equipment_utilization (equipment_id);

COMMENT ON MATERIALIZED VIEW analytics.mv_equipment_utilization IS
'One row per machine per local day (pgfresh.setting(''business_timezone'')), from max(today - utilization_lookback_days + 1, first telemetry day, acquired_at) to today: telemetry utilization, rental day, booked revenue, maintenance state. As of the refresh (now() of its transaction).';
COMMENT ON COLUMN analytics.mv_equipment_utilization.hours_used IS
'public.equipment_utilization.hours_used of that machine and day; NULL when no telemetry row.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.hours_available IS
'public.equipment_utilization.hours_available of that machine and day; NULL when no telemetry row.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.utilization_pct IS
'100 * hours_used / hours_available, rounded to 2 decimals; NULL without telemetry or with 0 hours available. For a period: 100 * sum(hours_used) / sum(hours_available).';
COMMENT ON COLUMN analytics.mv_equipment_utilization.rented_days IS
'1 when a confirmed, active or completed booking of the machine covers any part of that local day (a booking crossing midnight counts on both days), else 0; sum over a period for its rented days.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.revenue IS
'Booked revenue earned that day: each confirmed/active/completed booking''s total_amount split equally over the local days it touches, rounded to cents per booking and day; 0 when not rented.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.under_maintenance IS
'A non-cancelled maintenance job had the machine in the shop ([started_at, completed_at), open while completed_at is NULL) during some part of that local day.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.maintenance_due_at IS
'The next service date in force at the end of that day: next_due_at of the last job completed before then; NULL when none.';
COMMENT ON COLUMN analytics.mv_equipment_utilization.maintenance_due IS
'maintenance_due_at is before the end of that local day: the service is due or overdue.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_equipment_utilization TO dashboard_reader;
