-- triggers equipment_maintenance__enqueue_{insert,update,delete,truncate} on public.equipment_maintenance: queue refreshes of
-- the views that pgfresh.view_sources maps public.equipment_maintenance to (pgfresh.tg__enqueue_refresh).
-- An event here refreshes the alert candidates
-- (the seed's rows in tables/view_sources.sql). One statement-level trigger per event:
-- PostgreSQL allows transition tables only on single-event triggers.
CREATE TRIGGER equipment_maintenance__enqueue_insert
AFTER INSERT ON public.equipment_maintenance
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER equipment_maintenance__enqueue_update
AFTER UPDATE ON public.equipment_maintenance
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER equipment_maintenance__enqueue_delete
AFTER DELETE ON public.equipment_maintenance
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

CREATE TRIGGER equipment_maintenance__enqueue_truncate
AFTER TRUNCATE ON public.equipment_maintenance
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__enqueue_refresh();

COMMENT ON TRIGGER equipment_maintenance__enqueue_insert ON public.equipment_maintenance IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.equipment_maintenance to.';
COMMENT ON TRIGGER equipment_maintenance__enqueue_update ON public.equipment_maintenance IS
'pgfresh: queue refreshes when an UPDATE changes the columns pgfresh.view_sources watches.';
COMMENT ON TRIGGER equipment_maintenance__enqueue_delete ON public.equipment_maintenance IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.equipment_maintenance to.';
COMMENT ON TRIGGER equipment_maintenance__enqueue_truncate ON public.equipment_maintenance IS
'pgfresh: queue refreshes of the views pgfresh.view_sources maps public.equipment_maintenance to.';
