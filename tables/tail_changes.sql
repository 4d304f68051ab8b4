-- pgfresh.tail_changes: what changed in the sources of a real-time view since its last
-- refresh: the part of its materialized rows that the live tail must recompute.
-- Written by the tail triggers (pgfresh.tg_<table>__record_tail, tg__record_tail_reset);
-- the refresh of the view deletes the rows it can see in its own transaction
-- (pgfresh._reset_tail), like
-- refresh_queue: a row committed while it runs stays, so the tail recomputes a superset
-- of what the materialized rows miss, never less. Append-only: writers never wait.
-- requires: setup/dashboard_reader.sql
CREATE TABLE pgfresh.tail_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name text NOT NULL,
    source_table text NOT NULL,
    changed_from timestamptz,
    entity_id uuid,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tail_changes_view_name_source_table_changed_from_idx
ON pgfresh.tail_changes (view_name, source_table, changed_from);

COMMENT ON TABLE pgfresh.tail_changes IS
'Source changes since the last refresh of a real-time view (mv_support_sla: from which instant its rows may differ; mv_alert_candidates: which machine); read by the live views analytics.*_live, deleted by the refresh.';
COMMENT ON COLUMN pgfresh.tail_changes.changed_from IS
'mv_support_sla: the earliest instant the changed rows touch (created_at, first_response_at; sent_at of a ticket notification); -infinity: everything (a settings change, a TRUNCATE).';
COMMENT ON COLUMN pgfresh.tail_changes.entity_id IS
'mv_alert_candidates: the machine (equipment.id) whose low_utilization row must be recomputed; NULL: every machine.';

-- Engine-internal: the live views read it through their SECURITY DEFINER functions.
REVOKE ALL ON pgfresh.tail_changes FROM public;
