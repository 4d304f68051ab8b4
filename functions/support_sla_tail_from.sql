-- pgfresh.support_sla_tail_from(): where the live tail of analytics.support_sla_live
-- begins: from_day, the first local day whose materialized row of mv_support_sla may
-- differ from a recompute now; notifications_from, the first day whose notifications_sent
-- must be recounted.
-- requires: tables/view_as_of.sql, tables/tail_changes.sql, functions/setting.sql
-- from_day = the local day of the earlier of the view's as-of instant (breaches fall due
-- and today's counts move on with the clock) and the earliest change recorded since
-- (pgfresh.tail_changes); -infinity when the view was never refreshed by the engine.
-- notifications_sent depends on no clock: it is recounted from the earliest notification
-- change, or from the first day after the as-of day (days the materialized rows lack).
-- plpgsql, so that its plan is cached per session (a SQL function is planned at every
-- call). SECURITY DEFINER and STABLE: the dashboards' role reads through it without privileges
-- on the engine's tables, in the snapshot of its own query.
CREATE FUNCTION pgfresh.support_sla_tail_from()
RETURNS TABLE (from_day date, notifications_from date)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN QUERY
    WITH
    settings AS (
        SELECT pgfresh.setting('business_timezone') AS tz
    ),

    as_of AS (
        SELECT coalesce(
            (SELECT v.as_of FROM pgfresh.view_as_of AS v WHERE v.view_name = 'mv_support_sla'),
            '-infinity'
        ) AS as_of
    ),

    changes AS (
        SELECT
            min(c.changed_from) AS changed_from,
            min(c.changed_from) FILTER (WHERE c.source_table <> 'public.support_tickets') AS notifications_from
        FROM pgfresh.tail_changes AS c
        WHERE c.view_name = 'mv_support_sla'
    )

    SELECT
        (least(a.as_of, c.changed_from) AT TIME ZONE s.tz)::date AS from_day,
        least((c.notifications_from AT TIME ZONE s.tz)::date, (a.as_of AT TIME ZONE s.tz)::date + 1) AS notifications_from
    FROM settings AS s
    CROSS JOIN as_of AS a
    CROSS JOIN changes AS c;
END
$$;

COMMENT ON FUNCTION pgfresh.support_sla_tail_from() IS
'Where analytics.support_sla_live starts computing live: from_day (earlier rows are mv_support_sla''s) and notifications_from (first day whose notifications_sent is recounted), from pgfresh.view_as_of and pgfresh.tail_changes.';

-- The dashboards read analytics.support_sla_live, which calls it.
REVOKE ALL ON FUNCTION pgfresh.support_sla_tail_from() FROM public;
GRANT EXECUTE ON FUNCTION pgfresh.support_sla_tail_from() TO dashboard_reader;
