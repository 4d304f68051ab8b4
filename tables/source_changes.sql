-- pgfresh.source_changes: what the capture triggers recorded: one row per writing statement
-- (INSERT, DELETE, TRUNCATE) or updated row of a source table, with the keys a refresh
-- needs and the transaction that wrote it. Rows name the SOURCE, not the views: which views
-- a change concerns is data (pgfresh.view_sources), read when a view refreshes; so a writer
-- pays one row whatever the number of views, and changing the mapping needs no migration.
-- Append-only for writers (one index, the identity primary key; no unique key, no hot
-- row): writers never wait on each other nor on a refresh. Each view consumes the rows
-- through pgfresh._take_changes, which remembers per view (pgfresh.change_marks) the
-- snapshot it last read: a row is new to a view when its writing transaction (xid) was not
-- visible in that snapshot, so a change committed during a refresh, or by a transaction
-- older than the refresh, is taken by the next one. A row is deleted once every managed
-- view mapped to its source has taken it.
-- Keys are local calendar days widened by one day on each side of the UTC day of the
-- instants (no time zone lookup in the writer's statement; the refresh clips them), and
-- machine ids from the old and the new row.
CREATE TABLE pgfresh.source_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_table text NOT NULL,
    operation text NOT NULL,
    equipment_ids uuid[],
    first_day date,
    last_day date,
    changed_columns text[],
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    recorded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE pgfresh.source_changes IS
'Changes of the source tables recorded by the capture triggers (tg_<table>__record_changes): the keys each touched; taken by each view mapped to the source (pgfresh.view_sources) through pgfresh._take_changes.';
COMMENT ON COLUMN pgfresh.source_changes.source_table IS
'The table written, schema-qualified (public.bookings), as in pgfresh.view_sources.source_table.';
COMMENT ON COLUMN pgfresh.source_changes.operation IS
'INSERT, UPDATE, DELETE or TRUNCATE (TG_OP).';
COMMENT ON COLUMN pgfresh.source_changes.equipment_ids IS
'Machines the change touched (old and new rows); NULL: none known (a table without machine ids, or everything).';
COMMENT ON COLUMN pgfresh.source_changes.first_day IS
'First local day the change can touch: the UTC day of the earliest instant of the old and new rows minus 1; NULL with last_day NULL: every day.';
COMMENT ON COLUMN pgfresh.source_changes.last_day IS
'Last local day the change can touch: the UTC day of the latest instant plus 1; NULL with first_day NULL: every day.';
COMMENT ON COLUMN pgfresh.source_changes.changed_columns IS
'UPDATE: the columns some view reads whose value changed (a view whose pgfresh.view_sources.update_columns hold none of them does not take the row); NULL: any (INSERT, DELETE, TRUNCATE).';
COMMENT ON COLUMN pgfresh.source_changes.xid IS
'The writing transaction (pg_current_xact_id()): compared with each view''s last snapshot (pgfresh.change_marks).';

REVOKE ALL ON pgfresh.source_changes FROM public;

-- Which changes feed the incremental utilization table (data, like the seed rows of
-- tables/view_sources.sql; installed by 0002 beside the table it then used): every source
-- it reads, in bookings every column it reads (moved dates and changed amounts are
-- recomputed too, not only status changes), and the business time zone setting.
INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.bookings', 'mv_equipment_utilization', '{equipment_id,status,start_at,end_at,total_amount}'),
('public.equipment', 'mv_equipment_utilization', '{category,acquired_at}'),
('public.equipment_maintenance', 'mv_equipment_utilization', NULL),
('public.equipment_utilization', 'mv_equipment_utilization', NULL),
('pgfresh.settings', 'mv_equipment_utilization', '{business_timezone}')
ON CONFLICT (source_table, view_name) DO NOTHING;
