-- analytics.mv_booking_trends: one row per local calendar day (business time zone) from
-- the first booking (or today) to today: bookings created that day by current status,
-- cancellations and no-shows, and where those bookings stand with their insurance.
-- Read by the admin booking-trend charts. Refreshed hourly.
-- Full refresh, sample data, 2 shared cores at load 4-6: scale 1 (100k bookings) 0.3-1.4 s,
-- scale 3 (296k bookings) 1.1-3.1 s.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_booking_trends AS
WITH
settings AS (
    SELECT
        z.tz,
        (now() AT TIME ZONE z.tz)::date AS today
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
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

-- Import: the latest insurance document of each booking (a rejected document is often
-- followed by a new one; the latest says where the booking stands).
latest_insurance AS (
    SELECT DISTINCT ON (i.booking_id)
        i.booking_id,
        i.status
    FROM public.insurance_documents AS i
    ORDER BY i.booking_id ASC, i.submitted_at DESC, i.created_at DESC, i.id DESC
),

-- The first and last day each source has an event on (one scan of each).
source_days AS (
    SELECT
        min(created_date) AS first_day,
        max(created_date) AS last_day
    FROM bookings
    UNION ALL
    SELECT
        min(cancelled_date) AS first_day,
        max(cancelled_date) AS last_day
    FROM bookings
),

-- The calendar: from the first event (or today) to the last one (or today).
-- Materialized: computed once, not once per use.
calendar_bounds AS MATERIALIZED (
    SELECT
        least(min(sd.first_day), s.today) AS first_day,
        greatest(max(sd.last_day), s.today) AS last_day
    FROM settings AS s
    CROSS JOIN source_days AS sd
    GROUP BY s.today
),

calendar AS (
    SELECT cb.first_day + g.i AS bucket_date
    FROM calendar_bounds AS cb
    CROSS JOIN LATERAL generate_series(0, cb.last_day - cb.first_day) AS g (i)
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

-- Insurance of the bookings that still go ahead (not cancelled, not no-show).
insurance_by_day AS (
    SELECT
        b.created_date AS bucket_date,
        count(*) FILTER (WHERE li.status = 'pending') AS insurance_pending,
        count(*) FILTER (WHERE li.status = 'approved') AS insurance_approved,
        count(*) FILTER (WHERE li.status = 'rejected') AS insurance_rejected,
        count(*) FILTER (WHERE li.status = 'expired') AS insurance_expired,
        count(*) FILTER (WHERE li.booking_id IS NULL) AS insurance_missing
    FROM bookings AS b
    LEFT JOIN latest_insurance AS li ON b.id = li.booking_id
    WHERE b.status NOT IN ('cancelled', 'no_show')
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
        coalesce(ins.insurance_expired, 0) AS insurance_expired,
        coalesce(ins.insurance_missing, 0) AS insurance_missing
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
'One row per local day (pgfresh.setting(''business_timezone'')), with zeros on days without bookings, from the first booking or cancellation day (or today) to today (or the last such day): bookings created that day (local day of created_at) by current status, cancellations (by the local day of cancelled_at), no-shows, and the insurance state of that day''s bookings.';
COMMENT ON COLUMN analytics.mv_booking_trends.bookings_created IS
'Bookings whose created_at falls on that local day, any status.';
COMMENT ON COLUMN analytics.mv_booking_trends.status_counts IS
'{"pending": n, "confirmed": n, "active": n, "completed": n, "cancelled": n, "no_show": n} for bookings created that day, by their current status; the values add up to bookings_created.';
COMMENT ON COLUMN analytics.mv_booking_trends.cancellations IS
'Bookings whose cancelled_at falls on that local day (whenever they were created).';
COMMENT ON COLUMN analytics.mv_booking_trends.no_shows IS
'Bookings created that day whose current status is no_show.';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_pending IS
'Bookings created that day, not cancelled nor no-show, whose latest insurance document (by submitted_at) is pending review.';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_approved IS
'Same bookings, latest insurance document approved.';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_rejected IS
'Same bookings, latest insurance document rejected (and none submitted since).';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_expired IS
'Same bookings, latest insurance document expired.';
COMMENT ON COLUMN analytics.mv_booking_trends.insurance_missing IS
'Bookings created that day, not cancelled nor no-show, with no insurance document at all.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_booking_trends TO dashboard_reader;
