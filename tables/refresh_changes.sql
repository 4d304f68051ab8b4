-- pgfresh.refresh_changes: what the capture triggers recorded: one row per (writing
-- statement, or updated row, and view), with the keys an incremental refresh needs.
-- requires: tables/view_sources.sql
-- Append-only, like refresh_queue: a writer only INSERTs (no unique key but the
-- identity, no hot row), so writers never wait on each other nor on a refresh. A row is
-- also a refresh request: pgfresh.process_queue refreshes every managed view that has
-- rows here or in refresh_queue. A refresh deletes the rows it can see in the same
-- transaction as the data it writes: a change committed meanwhile stays for the next
-- refresh; a failed refresh rolls the delete back. A view refreshed in full ignores the
-- keys; an incremental one (analytics.mv_equipment_utilization) recomputes these keys only.
-- Keys are local calendar days widened by one day on each side of the UTC day of the
-- instants (no time zone lookup in the writer's statement; the refresh clips them), and
-- machine ids from the old and the new row. One index only (the primary key): every
-- index is paid by every writer.
CREATE TABLE pgfresh.refresh_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name text NOT NULL,
    reason text NOT NULL,
    equipment_ids uuid[],
    first_day date,
    last_day date,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE pgfresh.refresh_changes IS
'Changes recorded by the capture triggers (tg_<table>__record_changes): a refresh request for view_name with the keys it touched; drained by the view''s next refresh.';
COMMENT ON COLUMN pgfresh.refresh_changes.reason IS
'What wrote: ''public.bookings UPDATE'' (table and operation).';
COMMENT ON COLUMN pgfresh.refresh_changes.equipment_ids IS
'Machines the change touched (old and new rows); NULL: every machine (TRUNCATE, or a table without machine ids).';
COMMENT ON COLUMN pgfresh.refresh_changes.first_day IS
'First local day the change can touch; NULL: from the start of the view''s period; ''infinity'': none.';
COMMENT ON COLUMN pgfresh.refresh_changes.last_day IS
'Last local day the change can touch; NULL: up to today (a change that carries forward).';

REVOKE ALL ON pgfresh.refresh_changes FROM public;

-- Which changes feed the incremental utilization table (data, like the seed rows of
-- tables/view_sources.sql): every source it reads, and in bookings every column it reads,
-- so that moved dates and changed amounts are recomputed too, not only status changes.
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.bookings', 'mv_equipment_utilization', '{equipment_id,status,start_at,end_at,total_amount}'),
('public.equipment', 'mv_equipment_utilization', '{category,acquired_at}'),
('public.equipment_maintenance', 'mv_equipment_utilization', NULL),
('public.equipment_utilization', 'mv_equipment_utilization', NULL)
ON CONFLICT (source_table, view_name) DO UPDATE SET update_columns = excluded.update_columns;
