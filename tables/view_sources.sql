-- pgfresh.view_sources: which source table's changes refresh which view.
-- Data, not code: the capture triggers record changes per source table
-- (pgfresh.source_changes) and never read this table; a view takes the changes of the
-- sources mapped here when it refreshes (pgfresh._take_changes), so an operator adds or
-- removes a row without a migration. A row naming a view that is not (yet) a managed view
-- is ignored until that view exists.
-- The seed rows are the seed's event-driven refreshes: utilization on booking status
-- change, the financial summary after payment and payout events, alert candidates on
-- support, insurance and equipment events.
CREATE TABLE pgfresh.view_sources (
    source_table text NOT NULL,
    view_name text NOT NULL,
    update_columns text[],
    CONSTRAINT view_sources_pkey PRIMARY KEY (source_table, view_name),
    CONSTRAINT view_sources_source_table_check CHECK (source_table ~ '^[^.]+[.][^.]+$'),
    CONSTRAINT view_sources_update_columns_check CHECK (update_columns IS NULL OR cardinality(update_columns) > 0)
);

INSERT INTO pgfresh.view_sources (source_table, view_name, update_columns) VALUES
('public.bookings', 'mv_equipment_utilization', '{status}'),
('public.payments', 'mv_financial_summary', NULL),
('public.payout_reconciliations', 'mv_financial_summary', NULL),
('public.financial_transactions', 'mv_financial_summary', NULL),
('public.support_tickets', 'mv_alert_candidates', NULL),
('public.insurance_documents', 'mv_alert_candidates', NULL),
('public.equipment', 'mv_alert_candidates', NULL),
('public.equipment_maintenance', 'mv_alert_candidates', NULL);

COMMENT ON TABLE pgfresh.view_sources IS
'Event-driven refreshes: a committed INSERT, DELETE or TRUNCATE of source_table, or an UPDATE changing update_columns, is a change view_name (a managed view in analytics) takes at its next refresh (pgfresh._take_changes), and makes pgfresh.process_queue refresh it.';
COMMENT ON COLUMN pgfresh.view_sources.source_table IS
'Schema-qualified table as schema.table (public.bookings); it needs the capture triggers of triggers/ (<table>__record_changes.sql).';
COMMENT ON COLUMN pgfresh.view_sources.view_name IS
'Name of the materialized view in schema analytics, as pgfresh.managed_views() lists it.';
COMMENT ON COLUMN pgfresh.view_sources.update_columns IS
'The view takes an UPDATE only when one of these columns changed in value (NULL: any column the capture trigger watches).';

-- Owner-only: which table feeds which view is configuration, not dashboard data.
REVOKE ALL ON pgfresh.view_sources FROM public;
