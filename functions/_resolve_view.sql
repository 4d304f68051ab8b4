-- pgfresh._resolve_view(name): the managed view a name from outside means, or PF101.
-- requires: functions/managed_views.sql
-- Accepts the bare name (mv_booking_trends) or the qualified one
-- (analytics.mv_booking_trends), compared as text with pgfresh.managed_views(): a name is
-- never lowercased, unquoted or pasted into SQL.
CREATE FUNCTION pgfresh._resolve_view(p_view_name text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_view text;
    v_known text;
BEGIN
    SELECT m.view_name INTO v_view
      FROM pgfresh.managed_views() AS m
     WHERE p_view_name IN (m.view_name, 'analytics.' || m.view_name);
    IF v_view IS NULL THEN
        SELECT pg_catalog.string_agg(m.view_name, ', ' ORDER BY m.refresh_order) INTO v_known
          FROM pgfresh.managed_views() AS m;
        RAISE EXCEPTION 'pgfresh: % is not a managed view', coalesce(quote_literal(p_view_name), 'NULL')
            USING ERRCODE = 'PF101',
                  DETAIL = pg_catalog.format('Managed views: %s. Nothing was run.', coalesce(v_known, 'none')),
                  HINT = 'Pass a name from SELECT view_name FROM pgfresh.managed_views() (materialized views of schema analytics).';
    END IF;
    RETURN v_view;
END
$$;

COMMENT ON FUNCTION pgfresh._resolve_view(text) IS
'The managed view named p_view_name (bare or analytics.-qualified); SQLSTATE PF101 for any other name, NULL included.';

REVOKE ALL ON FUNCTION pgfresh._resolve_view(text) FROM public;
