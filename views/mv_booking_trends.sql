-- pgfresh.mv_booking_trends_rows(days): how a row of analytics.mv_booking_trends is
-- computed, for the local days asked for, or for every day of the calendar when NULL:
-- bookings created that day by current status, cancellations and no-shows, and where the
-- day's bookings stand with their insurance.
-- requires: tables/mv_booking_trends.sql, functions/mv_booking_trends_calendar.sql
-- requires: functions/_local_day_ranges.sql
-- The one definition of the view: the full rebuild (pgfresh.refresh_view(..., p_full =>
-- true), and the first refresh) inserts rows(NULL); the incremental refresh
-- (functions/_apply_mv_booking_trends.sql) deletes the dirty days and inserts
-- rows(those days); pgfresh.verify_incremental compares stored days with rows(those days).
-- INCREMENTAL KEY: bucket_date (a local day). A row depends only on the bookings created
-- that local day (their current status, and the latest insurance document of each), the
-- bookings cancelled that local day, and on whether the day is in the calendar
-- (pgfresh.mv_booking_trends_calendar: first day a booking was created or cancelled, or
-- today, to the last one, or today); nothing carries over from one day to the next, and
-- the time of day matters only through today.
-- For the days asked for, the sources are read for those days only: bookings through
-- the index on created_at (pgfresh._local_day_ranges: runs of days, widened by a day on
-- each side), then filtered by the exact local day; cancelled_at has no index in the
-- reference schema (one scan of bookings); insurance documents by booking_id (indexed),
-- for those days' bookings. For every day (NULL), each source is scanned once.
-- A day outside the calendar gives no row (so deleting the days first removes rows that
-- no longer exist).
-- (noqa RF02 below: sqlfluff takes the parameter for an unqualified column.)
CREATE FUNCTION pgfresh.mv_booking_trends_rows(p_days date[] DEFAULT NULL)
RETURNS SETOF analytics.mv_booking_trends
LANGUAGE sql
STABLE
BEGIN ATOMIC
    WITH
    bounds AS MATERIALIZED (
        SELECT
            c.tz,
            c.first_day,
            c.last_day
        FROM pgfresh.mv_booking_trends_calendar() AS c
    ),

    -- the days asked for that are in the calendar, or every day of it
    calendar AS MATERIALIZED (
        SELECT b.first_day + g.i AS bucket_date
        FROM bounds AS b
        CROSS JOIN LATERAL generate_series(0, b.last_day - b.first_day) AS g (i)
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        UNION
        SELECT d.bucket_date
        FROM unnest(p_days) AS d (bucket_date)  -- noqa: RF02, RF03
        CROSS JOIN bounds AS b
        WHERE d.bucket_date BETWEEN b.first_day AND b.last_day
    ),

    -- the instants to read the sources' timestamp columns for (runs of those days, each
    -- widened by a day on each side; the exact local day is filtered below)
    calendar_days AS (
        SELECT array_agg(c.bucket_date) AS days
        FROM calendar AS c
    ),

    spans AS MATERIALIZED (
        SELECT
            r.starts_at,
            r.ends_at
        FROM bounds AS b
        CROSS JOIN calendar_days AS cd
        CROSS JOIN LATERAL pgfresh._local_day_ranges(cd.days, b.tz) AS r
    ),

    -- Import: the bookings created in those ranges, with their local day
    bookings AS MATERIALIZED (
        SELECT
            bk.id,
            bk.status,
            (bk.created_at AT TIME ZONE b.tz)::date AS created_date
        FROM public.bookings AS bk
        CROSS JOIN bounds AS b
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        UNION ALL
        SELECT
            bk.id,
            bk.status,
            (bk.created_at AT TIME ZONE b.tz)::date
        FROM spans AS s
        INNER JOIN public.bookings AS bk ON s.starts_at <= bk.created_at AND s.ends_at > bk.created_at
        CROSS JOIN bounds AS b
        WHERE p_days IS NOT NULL  -- noqa: RF02
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
            (bk.cancelled_at AT TIME ZONE b.tz)::date AS bucket_date,
            count(*) AS cancellations
        FROM spans AS s
        INNER JOIN public.bookings AS bk ON s.starts_at <= bk.cancelled_at AND s.ends_at > bk.cancelled_at
        CROSS JOIN bounds AS b
        WHERE bk.cancelled_at IS NOT NULL
        GROUP BY (bk.cancelled_at AT TIME ZONE b.tz)::date
    ),

    -- Import: the latest insurance document of each of those bookings that still go
    -- ahead (a rejected document is often followed by a new one; the latest says where
    -- the booking stands).
    -- Every day: one pass over the documents; some days: each booking's by its index.
    latest_insurance AS (
        SELECT DISTINCT ON (i.booking_id)
            i.booking_id,
            i.status
        FROM public.insurance_documents AS i
        WHERE p_days IS NULL  -- noqa: RF02, RF03
        ORDER BY i.booking_id ASC, i.submitted_at DESC, i.created_at DESC, i.id DESC
    ),

    latest_insurance_of_days AS (
        SELECT
            bk.id AS booking_id,
            li.status
        FROM bookings AS bk
        CROSS JOIN
            LATERAL (
                SELECT i.status
                FROM public.insurance_documents AS i
                WHERE i.booking_id = bk.id
                ORDER BY i.submitted_at DESC, i.created_at DESC, i.id DESC
                LIMIT 1
            ) AS li
        WHERE p_days IS NOT NULL AND bk.status NOT IN ('cancelled', 'no_show')  -- noqa: RF02, RF03
    ),

    latest_insurances AS (
        SELECT
            a.booking_id,
            a.status
        FROM latest_insurance AS a
        UNION ALL
        SELECT
            d.booking_id,
            d.status
        FROM latest_insurance_of_days AS d
    ),

    -- Insurance of the bookings that still go ahead (not cancelled, not no-show).
    insurance_by_day AS (
        SELECT
            bk.created_date AS bucket_date,
            count(*) FILTER (WHERE li.status = 'pending') AS insurance_pending,
            count(*) FILTER (WHERE li.status = 'approved') AS insurance_approved,
            count(*) FILTER (WHERE li.status = 'rejected') AS insurance_rejected,
            count(*) FILTER (WHERE li.status = 'expired') AS insurance_expired,
            count(*) FILTER (WHERE li.booking_id IS NULL) AS insurance_missing
        FROM bookings AS bk
        LEFT JOIN latest_insurances AS li ON bk.id = li.booking_id
        WHERE bk.status NOT IN ('cancelled', 'no_show')
        GROUP BY bk.created_date
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

    SELECT
        f.bucket_date,
        f.bookings_created,
        f.status_counts,
        f.cancellations,
        f.no_shows,
        f.insurance_pending,
        f.insurance_approved,
        f.insurance_rejected,
        f.insurance_expired,
        f.insurance_missing
    FROM final AS f;
END;

COMMENT ON FUNCTION pgfresh.mv_booking_trends_rows(date[]) IS
'The rows of analytics.mv_booking_trends for the given local days (those in the calendar), or for every day when p_days is NULL: the definition the incremental refresh, the full rebuild and verify_incremental share.';

-- Owner only (executed as the owner by the refresh); readers read the table.
REVOKE ALL ON FUNCTION pgfresh.mv_booking_trends_rows(date[]) FROM public;
