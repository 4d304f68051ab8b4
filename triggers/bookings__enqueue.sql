-- triggers bookings__enqueue_{insert,update,delete,truncate} on public.bookings: queue refreshes of
-- the views that pgfresh.view_sources maps public.bookings to (pgfresh.tg__enqueue_refresh).
-- A status change, or a booking added or removed, refreshes equipment utilization
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER bookings__enqueue_insert
AFTER INSERT ON public.bookings
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER bookings__enqueue_update
AFTER UPDATE ON public.bookings
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER bookings__enqueue_delete
AFTER DELETE ON public.bookings
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER bookings__enqueue_truncate
AFTER TRUNCATE ON public.bookings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER bookings__enqueue_insert ON public.bookings IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.bookings to.';
COMMENT ON TRIGGER bookings__enqueue_update ON public.bookings IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER bookings__enqueue_delete ON public.bookings IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.bookings to.';
COMMENT ON TRIGGER bookings__enqueue_truncate ON public.bookings IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.bookings to.';
