-- analytics.mv_booking_trends: one row per local calendar day (business time zone) from
-- the first booking (or today) to today: bookings created that day by current status,
-- cancellations and no-shows, and where those bookings stand with their insurance.
-- Read by the admin booking-trend charts. Refreshed hourly.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, tables/view_sources.sql
-- An incremental managed relation: a table, not a materialized view, kept by
-- pgfresh._apply_mv_booking_trends from the row definition in views/mv_booking_trends.sql
-- (pgfresh.mv_booking_trends_rows). A refresh deletes and re-inserts only the local days
-- the recorded changes of its sources touched and the days that entered or left the
-- calendar, in one transaction: readers never wait and never see a half-applied refresh.
-- Same name, columns and unique key as the materialized view it replaces.
CREATE TABLE analytics.mv_booking_trends (
    bucket_date date NOT NULL,
    bookings_created bigint NOT NULL,
    status_counts jsonb NOT NULL,
    cancellations bigint NOT NULL,
    no_shows bigint NOT NULL,
    insurance_pending bigint NOT NULL,
    insurance_approved bigint NOT NULL,
    insurance_rejected bigint NOT NULL,
    insurance_expired bigint NOT NULL,
    insurance_missing bigint NOT NULL,
    CONSTRAINT mv_booking_trends_pkey PRIMARY KEY (bucket_date)
);

COMMENT ON TABLE analytics.mv_booking_trends IS
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
-- nothing granted, and PUBLIC has no USAGE on schema analytics). Only the owner writes.
GRANT SELECT ON analytics.mv_booking_trends TO dashboard_reader;

-- Which changes feed it (data, like the seed rows of tables/view_sources.sql): every
-- source it reads, and of each every column it reads; the business time zone setting.
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.bookings', 'mv_booking_trends', '{id,status,created_at,cancelled_at}'),
('public.insurance_documents', 'mv_booking_trends', '{booking_id,status,submitted_at,created_at,id}'),
('pgfresh.settings', 'mv_booking_trends', '{business_timezone}')
ON CONFLICT (source_table, view_name) DO UPDATE SET update_columns = excluded.update_columns;
