-- analytics.mv_booking_trends: one row per local calendar day (business time zone) from
-- the first booking to today: bookings created that day by current status,
-- cancellations and no-shows, and the insurance state of that day's bookings.
-- Read by the admin booking-trend charts. Refreshed hourly.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_booking_trends AS
WITH
settings AS (
    SELECT pgfresh.setting('business_timezone') AS tz
),

bookings AS (
    SELECT
        b.id,
        b.status,
        (b.created_at AT TIME ZONE s.tz)::date AS created_date,
        (b.cancelled_at AT TIME ZONE s.tz)::date AS cancelled_date
    FROM public.bookings AS b
    CROSS JOIN settings AS s
),

insurance AS (
    SELECT
        i.booking_id,
        i.status
    FROM public.insurance_documents AS i
),

calendar AS (
    SELECT d.d::date AS bucket_date
    FROM settings AS s
    CROSS JOIN LATERAL generate_series(
        (SELECT min(b.created_date) FROM bookings AS b),
        greatest((SELECT max(b.created_date) FROM bookings AS b), (now() AT TIME ZONE s.tz)::date),
        interval '1 day'
    ) AS d (d)
),

bookings_by_day AS (
    SELECT
        created_date AS bucket_date,
        count(*) AS bookings_created,
        count(*) FILTER (WHERE status = 'pending') AS pending,
        count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
        count(*) FILTER (WHERE status = 'active') AS active,
        count(*) FILTER (WHERE status = 'completed') AS completed,
        count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
        count(*) FILTER (WHERE status = 'no_show') AS no_show
    FROM bookings
    GROUP BY created_date
),

cancellations_by_day AS (
    SELECT
        cancelled_date AS bucket_date,
        count(*) AS cancellations
    FROM bookings
    WHERE cancelled_date IS NOT NULL
    GROUP BY cancelled_date
),

insurance_by_day AS (
    SELECT
        b.created_date AS bucket_date,
        count(*) FILTER (WHERE i.status = 'pending') AS insurance_pending,
        count(*) FILTER (WHERE i.status = 'approved') AS insurance_approved,
        count(*) FILTER (WHERE i.status = 'rejected') AS insurance_rejected,
        count(*) FILTER (WHERE i.status = 'expired') AS insurance_expired
    FROM insurance AS i
    INNER JOIN bookings AS b ON i.booking_id = b.id
    GROUP BY b.created_date
),

final AS (
    SELECT
        c.bucket_date,
        coalesce(bd.bookings_created, 0) AS bookings_created,
        jsonb_build_object(
            'pending', coalesce(bd.pending, 0),
            'confirmed', coalesce(bd.confirmed, 0),
            'active', coalesce(bd.active, 0),
            'completed', coalesce(bd.completed, 0),
            'cancelled', coalesce(bd.cancelled, 0),
            'no_show', coalesce(bd.no_show, 0)
        ) AS status_counts,
        coalesce(cd.cancellations, 0) AS cancellations,
        coalesce(bd.no_show, 0) AS no_shows,
        coalesce(ins.insurance_pending, 0) AS insurance_pending,
        coalesce(ins.insurance_approved, 0) AS insurance_approved,
        coalesce(ins.insurance_rejected, 0) AS insurance_rejected,
        coalesce(ins.insurance_expired, 0) AS insurance_expired
    FROM calendar AS c
    LEFT JOIN bookings_by_day AS bd ON c.bucket_date = bd.bucket_date
    LEFT JOIN cancellations_by_day AS cd ON c.bucket_date = cd.bucket_date
    LEFT JOIN insurance_by_day AS ins ON c.bucket_date = ins.bucket_date
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_booking_trends_bucket_date_idx
ON analytics.mv_booking_trends (bucket_date);

COMMENT ON MATERIALIZED VIEW analytics.mv_booking_trends IS
'One row per local day (pgfresh.setting(''business_timezone'')): bookings created by current status, cancellations (by cancellation day), no-shows, insurance state of the day''s bookings.';
COMMENT ON COLUMN analytics.mv_booking_trends.status_counts IS
'{"pending": n, "confirmed": n, "active": n, "completed": n, "cancelled": n, "no_show": n} for bookings created that day, by their current status.';
COMMENT ON COLUMN analytics.mv_booking_trends.cancellations IS
'Bookings whose cancelled_at falls on that local day (whenever they were created).';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_pending IS
'Insurance documents still pending, of bookings created that day.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_booking_trends TO dashboard_reader;
