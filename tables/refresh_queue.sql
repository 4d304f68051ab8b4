-- pgfresh.refresh_queue: refresh requests for one view, written by the enqueue triggers.
-- Append-only: a writer only INSERTs (no unique key, no hot row), so two writers never
-- wait on each other. The engine deletes a view's visible requests in the same
-- transaction as its refresh: a request committed meanwhile stays for the next round,
-- and a failed refresh rolls its deletion back.
CREATE TABLE pgfresh.refresh_queue (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name text NOT NULL,
    reason text NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refresh_queue_view_name_id_idx ON pgfresh.refresh_queue (view_name, id);

COMMENT ON TABLE pgfresh.refresh_queue IS
'Pending refresh requests: one row per (writing statement, view); deduplicated per view when processed.';
COMMENT ON COLUMN pgfresh.refresh_queue.reason IS
'What asked: ''public.bookings UPDATE'' for a trigger, or free text for a manual request.';

REVOKE ALL ON pgfresh.refresh_queue FROM public;
