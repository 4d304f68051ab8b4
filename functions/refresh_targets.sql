-- pgfresh.refresh_targets(id, at): which managed views refresh_materialized_views(id) and
-- refresh_materialized_views_each(id) refresh at instant at, in dependency order. The one
-- place that reads an id.
-- requires: functions/managed_views.sql, functions/_resolve_view.sql, functions/due_views.sql
-- requires: tables/refresh_policies.sql, tables/refresh_queue.sql, functions/_changed_views.sql
-- id is one of: a pg_cron job of the refresh policies (cron_dashboard_15min, ...): the
-- views of that job that are due at `at` (pgfresh.due_views); 'due': every view due at
-- `at`, each with the job of its current slot as source (what pgfresh.run_due() asks);
-- 'queue' or the queue's job (cron_dashboard_queue): the views with pending requests or
-- source changes not yet taken; a
-- managed view's name (mv_x or analytics.mv_x): that view. Anything else: PF401, and
-- nothing is refreshed. Policy rows of views that are not managed views (not created
-- yet) are ignored.
CREATE FUNCTION pgfresh.refresh_targets(p_id text, p_at timestamptz DEFAULT now())
RETURNS TABLE (view_name text, refresh_order integer, source text)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_view text;
BEGIN
    IF p_id IN ('queue', 'cron_dashboard_queue') THEN
        RETURN QUERY
        SELECT m.view_name, m.refresh_order, 'queue'::text
          FROM pgfresh.managed_views() AS m
         WHERE EXISTS (SELECT FROM pgfresh.refresh_queue AS q WHERE q.view_name = m.view_name)
            OR m.view_name IN (SELECT c.view_name FROM pgfresh._changed_views() AS c)
         ORDER BY m.refresh_order;
        RETURN;
    END IF;
    IF p_id = 'due' THEN
        RETURN QUERY
        SELECT m.view_name, m.refresh_order, d.cron_job
          FROM pgfresh.managed_views() AS m
         INNER JOIN pgfresh.due_views(p_at) AS d ON m.view_name = d.view_name
         ORDER BY m.refresh_order;
        RETURN;
    END IF;
    IF EXISTS (SELECT FROM pgfresh.refresh_policies AS p
                WHERE p_id IN (p.cron_job, p.business_hours_cron_job)) THEN
        RETURN QUERY
        SELECT m.view_name, m.refresh_order, p_id
          FROM pgfresh.managed_views() AS m
         WHERE m.view_name IN (SELECT d.view_name FROM pgfresh.due_views(p_at, p_id) AS d)
         ORDER BY m.refresh_order;
        RETURN;
    END IF;
    BEGIN
        v_view := pgfresh._resolve_view(p_id);
    EXCEPTION WHEN SQLSTATE 'PF101' THEN
        RAISE EXCEPTION 'pgfresh: % is not a refresh id', coalesce(quote_literal(p_id), 'NULL')
            USING ERRCODE = 'PF401',
                  DETAIL = 'Nothing was refreshed.',
                  HINT = 'Use a pg_cron job of pgfresh.refresh_policies (cron_dashboard_15min, '
                      || 'cron_dashboard_hourly, ...), ''due'', ''queue'', or a view of pgfresh.managed_views().';
    END;
    RETURN QUERY
    SELECT m.view_name, m.refresh_order, 'manual'::text
      FROM pgfresh.managed_views() AS m
     WHERE m.view_name = v_view;
END
$$;

COMMENT ON FUNCTION pgfresh.refresh_targets(text, timestamptz) IS
'The managed views refresh_materialized_views(id) refreshes at an instant, in dependency order, with the job_runs source it records: a policy''s cron job -> its due views; ''due'' -> every due view (source: its slot''s job); ''queue'' -> views with pending requests; a view name -> that view. Unknown id: PF401.';

REVOKE ALL ON FUNCTION pgfresh.refresh_targets(text, timestamptz) FROM public;
