-- pgfresh.request_refresh(view, reason): queue a refresh of a managed view by hand (or from
-- a webhook handler); process_queue serves it with the other requests of that view.
-- requires: tables/refresh_queue.sql, functions/_resolve_view.sql
CREATE FUNCTION pgfresh.request_refresh(p_view_name text, p_reason text DEFAULT 'manual request')
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO pgfresh.refresh_queue (view_name, reason)
    VALUES (pgfresh._resolve_view(p_view_name), coalesce(p_reason, 'manual request'))
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION pgfresh.request_refresh(text, text) IS
'Queues a refresh request for a managed view (PF101 for any other name); returns the request id. Served by the next pgfresh.process_queue().';

-- Owner only by default; grant it to a role that may ask for refreshes (an insert, no wait).
REVOKE ALL ON FUNCTION pgfresh.request_refresh(text, text) FROM public;
