-- pgfresh.view_as_of: for each managed view, the instant its materialized rows are as of:
-- now() of the transaction of its last refresh through the engine (its "now" and
-- "today"). Written by that refresh (pgfresh._reset_tail), so it commits with the rows.
-- The live views compute everything after it; a view refreshed outside the engine keeps
-- an older instant here, which only makes its tail longer, never wrong.
CREATE TABLE pgfresh.view_as_of (
    view_name text PRIMARY KEY,
    as_of timestamptz NOT NULL
);

COMMENT ON TABLE pgfresh.view_as_of IS
'now() of the transaction of the last engine refresh of each managed view: the instant its materialized rows are as of. No row: never refreshed by the engine (a live view then computes everything).';

-- Engine-internal: read by the live views' SECURITY DEFINER functions.
REVOKE ALL ON pgfresh.view_as_of FROM public;
