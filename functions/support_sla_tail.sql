-- pgfresh.support_sla_tail(from_day, notifications_from): the live part of
-- analytics.support_sla_live: the rows of analytics.mv_support_sla for the local days
-- from_day..today, computed now from the sources, equal to what a refresh now would give.
-- requires: views/mv_support_sla.sql, functions/setting.sql, functions/support_sla_tail_from.sql
-- The definition is mv_support_sla's, restricted to the tickets that count on those days
-- (created, closed, first answered or falling due on or after from_day), with two
-- shortcuts that keep it small:
-- - open tickets are a running sum: the day before from_day is still right in the
--   materialized view (every change since its refresh touches from_day or later), so the
--   sum starts from that row instead of from the first ticket;
-- - notifications_sent depends on no clock: it is recounted only on days from
--   notifications_from on (and days the materialized view lacks); earlier days keep the
--   materialized count. public.notifications has no index on sent_at: a recount scans
--   the ticket notifications (see docs/latency.md for the figures and the index that helps).
-- STABLE (the caller's snapshot), SECURITY DEFINER: the dashboards' role reads the view only.
-- force_generic_plan: the query is planned once per session, not at every read (planning
-- it cost more than running it); v_recount is then a one-time filter of the plan.
CREATE FUNCTION pgfresh.support_sla_tail(p_from_day date, p_notifications_from date)
RETURNS TABLE (
    bucket_date date,
    tickets_created bigint,
    tickets_resolved bigint,
    first_responses bigint,
    open_tickets bigint,
    priority_counts jsonb,
    sla_breaches bigint,
    notifications_sent bigint
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_tz constant text := pgfresh.setting('business_timezone');
    v_today constant date := (pg_catalog.now() AT TIME ZONE v_tz)::date;
    v_first_day date;
    v_starts_at timestamptz;
    v_base jsonb;
    v_materialized_first date;
    v_recount_from timestamptz;
    v_recount_before timestamptz;
    v_recount boolean;
    -- the first-response SLA hours of each priority (settings sla_first_response_hours_<priority>)
    v_sla_hours constant jsonb := jsonb_build_object(
        'low', pgfresh.setting('sla_first_response_hours_low'),
        'normal', pgfresh.setting('sla_first_response_hours_normal'),
        'high', pgfresh.setting('sla_first_response_hours_high'),
        'urgent', pgfresh.setting('sla_first_response_hours_urgent'));
    v_longest_sla interval;
BEGIN
    SELECT (min(t.created_at) AT TIME ZONE v_tz)::date INTO v_first_day FROM public.support_tickets AS t;
    v_first_day := greatest(p_from_day, v_first_day);
    IF v_first_day IS NULL OR v_first_day > v_today THEN
        RETURN;  -- no tickets (or none before today): no rows at all, as in the view
    END IF;
    v_starts_at := v_first_day::timestamp AT TIME ZONE v_tz;
    SELECT make_interval(secs => max(h.value::numeric) * 3600) INTO v_longest_sla FROM jsonb_each_text(v_sla_hours) AS h;
    -- open tickets at the end of the day before from_day (none before the first ticket)
    IF v_first_day = p_from_day THEN
        SELECT m.priority_counts INTO v_base FROM analytics.mv_support_sla AS m
         WHERE m.bucket_date = v_first_day - 1;
    END IF;
    -- notifications are recounted from notifications_from, and on days before the
    -- materialized view's first day (if the first ticket moved earlier)
    SELECT min(m.bucket_date) INTO v_materialized_first FROM analytics.mv_support_sla AS m;
    v_recount_from := CASE WHEN p_notifications_from <= v_today
                           THEN greatest(p_notifications_from, v_first_day)::timestamp AT TIME ZONE v_tz
                           ELSE 'infinity' END;
    v_recount_before := coalesce(v_materialized_first::timestamp AT TIME ZONE v_tz, 'infinity');
    -- a plan parameter: false plans no scan of public.notifications at all
    v_recount := v_recount_from < 'infinity' OR v_starts_at < v_recount_before;

    RETURN QUERY
    WITH
    sla_policy AS MATERIALIZED (
        SELECT
            h.key AS priority,
            make_interval(secs => h.value::numeric * 3600) AS sla
        FROM jsonb_each_text(v_sla_hours) AS h
    ),

    -- import CTEs: the tickets that may count on a day from v_first_day on: created,
    -- answered, resolved or updated since its start, or created within the longest SLA
    -- before it (a superset, in one pass of plain comparisons; the metrics filter exactly)

    tickets AS (
        SELECT
            t.priority,
            t.created_at,
            t.first_response_at,
            t.closed_at,
            t.created_at + p.sla AS deadline
        FROM (
            SELECT
                s.priority,
                s.created_at,
                s.first_response_at,
                CASE
                    WHEN s.resolved_at IS NOT NULL THEN greatest(s.created_at, s.resolved_at)
                    WHEN s.status IN ('resolved', 'closed') THEN greatest(s.created_at, s.updated_at)
                END AS closed_at
            FROM public.support_tickets AS s
            WHERE s.created_at >= v_starts_at - v_longest_sla OR s.first_response_at >= v_starts_at
               OR s.resolved_at >= v_starts_at OR s.updated_at >= v_starts_at
        ) AS t
        LEFT JOIN sla_policy AS p ON t.priority = p.priority
    ),

    ticket_notifications AS (
        SELECT n.sent_at
        FROM public.notifications AS n
        WHERE v_recount AND n.ticket_id IS NOT NULL AND n.status = 'sent' AND n.sent_at IS NOT NULL
          AND (n.sent_at >= v_recount_from OR n.sent_at < v_recount_before)
    ),

    calendar AS (
        SELECT g.d::date AS bucket_date
        FROM generate_series(v_first_day, v_today, interval '1 day') AS g (d)
    ),

    -- metrics, as in mv_support_sla

    created_by_day AS (
        SELECT (t.created_at AT TIME ZONE v_tz)::date AS bucket_date, count(*) AS n
        FROM tickets AS t WHERE t.created_at >= v_starts_at
        GROUP BY 1
    ),

    resolved_by_day AS (
        SELECT (t.closed_at AT TIME ZONE v_tz)::date AS bucket_date, count(*) AS n
        FROM tickets AS t WHERE t.closed_at >= v_starts_at
        GROUP BY 1
    ),

    first_responses_by_day AS (
        SELECT (t.first_response_at AT TIME ZONE v_tz)::date AS bucket_date, count(*) AS n
        FROM tickets AS t WHERE t.first_response_at >= v_starts_at
        GROUP BY 1
    ),

    open_changes_by_day AS (
        SELECT
            e.bucket_date,
            sum(e.delta) FILTER (WHERE e.priority = 'low') AS low,
            sum(e.delta) FILTER (WHERE e.priority = 'normal') AS normal,
            sum(e.delta) FILTER (WHERE e.priority = 'high') AS high,
            sum(e.delta) FILTER (WHERE e.priority = 'urgent') AS urgent
        FROM (
            SELECT (t.created_at AT TIME ZONE v_tz)::date AS bucket_date, t.priority, 1 AS delta
            FROM tickets AS t WHERE t.created_at >= v_starts_at
            UNION ALL
            SELECT (t.closed_at AT TIME ZONE v_tz)::date, t.priority, -1
            FROM tickets AS t WHERE t.closed_at >= v_starts_at
        ) AS e
        GROUP BY e.bucket_date
    ),

    -- the running sum goes on from the materialized day before v_first_day
    open_by_day AS (
        SELECT
            c.bucket_date,
            (coalesce((v_base ->> 'low')::bigint, 0) + sum(coalesce(oc.low, 0)) OVER w)::bigint AS low,
            (coalesce((v_base ->> 'normal')::bigint, 0) + sum(coalesce(oc.normal, 0)) OVER w)::bigint AS normal,
            (coalesce((v_base ->> 'high')::bigint, 0) + sum(coalesce(oc.high, 0)) OVER w)::bigint AS high,
            (coalesce((v_base ->> 'urgent')::bigint, 0) + sum(coalesce(oc.urgent, 0)) OVER w)::bigint AS urgent
        FROM calendar AS c
        LEFT JOIN open_changes_by_day AS oc ON c.bucket_date = oc.bucket_date
        WINDOW w AS (ORDER BY c.bucket_date)
    ),

    breaches_by_day AS (
        SELECT (t.deadline AT TIME ZONE v_tz)::date AS bucket_date, count(*) AS n
        FROM tickets AS t
        WHERE t.deadline >= v_starts_at AND t.deadline < pg_catalog.now()
          AND (t.first_response_at IS NULL OR t.first_response_at > t.deadline)
        GROUP BY 1
    ),

    notifications_by_day AS (
        SELECT (n.sent_at AT TIME ZONE v_tz)::date AS bucket_date, count(*) AS n
        FROM ticket_notifications AS n
        GROUP BY 1
    ),

    final AS (
        SELECT
            c.bucket_date,
            coalesce(cr.n, 0) AS tickets_created,
            coalesce(rs.n, 0) AS tickets_resolved,
            coalesce(fr.n, 0) AS first_responses,
            o.low + o.normal + o.high + o.urgent AS open_tickets,
            jsonb_build_object(
                'low', o.low, 'normal', o.normal, 'high', o.high, 'urgent', o.urgent
            ) AS priority_counts,
            coalesce(br.n, 0) AS sla_breaches,
            CASE
                WHEN c.bucket_date::timestamp AT TIME ZONE v_tz >= v_recount_from
                     OR c.bucket_date::timestamp AT TIME ZONE v_tz < v_recount_before
                    THEN coalesce(nt.n, 0)
                ELSE coalesce(m.notifications_sent, 0)
            END AS notifications_sent
        FROM calendar AS c
        INNER JOIN open_by_day AS o ON c.bucket_date = o.bucket_date
        LEFT JOIN created_by_day AS cr ON c.bucket_date = cr.bucket_date
        LEFT JOIN resolved_by_day AS rs ON c.bucket_date = rs.bucket_date
        LEFT JOIN first_responses_by_day AS fr ON c.bucket_date = fr.bucket_date
        LEFT JOIN breaches_by_day AS br ON c.bucket_date = br.bucket_date
        LEFT JOIN notifications_by_day AS nt ON c.bucket_date = nt.bucket_date
        LEFT JOIN analytics.mv_support_sla AS m ON c.bucket_date = m.bucket_date
    )

    SELECT * FROM final;
END
$$;

COMMENT ON FUNCTION pgfresh.support_sla_tail(date, date) IS
'The rows of analytics.mv_support_sla for local days from p_from_day to today as a refresh now would compute them (open counts continued from the materialized day before; notifications_sent recounted from p_notifications_from). The live part of analytics.support_sla_live.';

-- The dashboards read analytics.support_sla_live, which calls it.
REVOKE ALL ON FUNCTION pgfresh.support_sla_tail(date, date) FROM public;
GRANT EXECUTE ON FUNCTION pgfresh.support_sla_tail(date, date) TO dashboard_reader;
