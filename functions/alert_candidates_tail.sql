-- pgfresh.alert_candidates_tail(all_machines, machines): the live part of
-- analytics.alert_candidates_live: the rows of analytics.mv_alert_candidates that a refresh
-- now would give for every sla_breach and overdue_insurance condition, and for the
-- low_utilization condition of the machines given (every machine when all_machines).
-- requires: views/mv_alert_candidates.sql, functions/setting.sql, functions/alert_candidates_tail_scope.sql
-- The query is mv_alert_candidates' own, with the machines restricted to those given (the
-- two lines marked "tail:"); the property test (tests/test_live_views.py) keeps the two in
-- step. sla_breach and overdue_insurance read only open, unanswered tickets and pending
-- documents (status indexes), so they are computed live on every read: a breach or an
-- overdue document appears the instant it falls due, with no change to record.
-- STABLE (the caller's snapshot), SECURITY DEFINER (the dashboards' role reads the view
-- only), force_generic_plan: planned once per session, not at every read.
CREATE FUNCTION pgfresh.alert_candidates_tail(p_all_machines boolean, p_machines uuid[])
RETURNS TABLE (alert_type text, entity_id uuid, detected_at timestamptz, severity text, payload jsonb)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_machines uuid[];
BEGIN
    IF p_all_machines THEN
        SELECT array_agg(e.id) INTO v_machines FROM public.equipment AS e;
    ELSE
        v_machines := coalesce(p_machines, '{}');
    END IF;

    RETURN QUERY
    WITH
    settings AS MATERIALIZED (
        SELECT
            z.tz,
            now() AS as_of,
            (now() AT TIME ZONE z.tz)::date - 1 AS yesterday,
            pgfresh.setting('alert_low_utilization_window_days')::integer AS window_days,
            pgfresh.setting('alert_low_utilization_history_days')::integer AS history_days,
            pgfresh.setting('alert_low_utilization_pct')::numeric AS low_pct,
            pgfresh.setting('alert_low_utilization_critical_pct')::numeric AS critical_pct,
            pgfresh.setting('insurance_overdue_grace_hours')::numeric AS insurance_grace_hours,
            pgfresh.setting('insurance_overdue_critical_hours')::numeric AS insurance_critical_hours,
            pgfresh.setting('alert_sla_breach_critical_factor')::numeric AS sla_critical_factor
        FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
    ),

    -- low utilization: a window is the window_days local days up to its last day; the current
    -- window ends yesterday (today is not over); the run of low windows before it is looked
    -- for in the last history_days days
    scan AS MATERIALIZED (
        SELECT
            s.yesterday - (s.history_days - 1) AS scan_start,
            s.yesterday - (s.history_days - 1) - (s.window_days - 1) AS first_usage_date,
            make_interval(days => s.window_days - 1) AS window_span
        FROM settings AS s
    ),

    -- the first-response SLA of each priority, and when a breach turns critical
    sla_policy AS MATERIALIZED (
        SELECT
            v.priority,
            v.hours::numeric AS sla_hours,
            make_interval(secs => v.hours::numeric * 3600) AS sla,
            make_interval(secs => v.hours::numeric * s.sla_critical_factor * 3600) AS critical_after
        FROM (
            VALUES
            ('low', pgfresh.setting('sla_first_response_hours_low')),
            ('normal', pgfresh.setting('sla_first_response_hours_normal')),
            ('high', pgfresh.setting('sla_first_response_hours_high')),
            ('urgent', pgfresh.setting('sla_first_response_hours_urgent'))
        ) AS v (priority, hours)
        CROSS JOIN settings AS s
    ),

    -- import CTEs

    -- machines in service (not in the shop, not retired), acquired by yesterday
    fleet AS (
        SELECT
            e.id AS equipment_id,
            e.name,
            e.category,
            e.acquired_at
        FROM public.equipment AS e
        CROSS JOIN settings AS s
        WHERE e.status NOT IN ('maintenance', 'retired') AND e.acquired_at <= s.yesterday
          AND e.id = ANY (v_machines)  -- tail: only these machines
    ),

    telemetry AS (
        SELECT
            u.equipment_id,
            u.usage_date,
            u.hours_used,
            u.hours_available
        FROM public.equipment_utilization AS u
        CROSS JOIN settings AS s
        CROSS JOIN scan AS sc
        WHERE u.usage_date BETWEEN sc.first_usage_date AND s.yesterday
          AND u.equipment_id = ANY (v_machines)  -- tail: only these machines
    ),

    pending_insurance AS (
        SELECT
            i.id,
            i.booking_id,
            i.user_id,
            i.submitted_at,
            i.due_at
        FROM public.insurance_documents AS i
        CROSS JOIN settings AS s
        WHERE i.status = 'pending' AND i.due_at < s.as_of
    ),

    -- bookings for which a missing insurance document still matters
    open_bookings AS (
        SELECT
            b.id,
            b.equipment_id,
            b.status,
            b.start_at
        FROM public.bookings AS b
        WHERE b.status IN ('pending', 'confirmed', 'active')
    ),

    -- tickets still waiting for their first response
    unanswered_tickets AS (
        SELECT
            t.id,
            t.user_id,
            t.booking_id,
            t.equipment_id,
            t.priority,
            t.status,
            t.created_at
        FROM public.support_tickets AS t
        WHERE t.status IN ('open', 'pending') AND t.first_response_at IS NULL
    ),

    -- metrics: low utilization

    -- the current window: telemetry rows of the window_days days ending yesterday
    current_windows AS (
        SELECT
            t.equipment_id,
            sum(t.hours_used) AS hours_used,
            sum(t.hours_available) AS hours_available
        FROM telemetry AS t
        CROSS JOIN settings AS s
        WHERE t.usage_date > s.yesterday - s.window_days
        GROUP BY t.equipment_id
    ),

    -- earlier windows: one ending on each day that has a telemetry row. A frame offset may
    -- not read the row, so the setting comes in as a scalar subquery, which PostgreSQL
    -- accepts and sqlfluff cannot parse (hence noqa).
    daily_windows AS (
        SELECT
            t.equipment_id,
            t.usage_date AS window_end,
            sum(t.hours_used) OVER w AS hours_used,
            sum(t.hours_available) OVER w AS hours_available
        FROM telemetry AS t
        WINDOW w AS (
            PARTITION BY t.equipment_id ORDER BY t.usage_date
            RANGE BETWEEN (SELECT sc.window_span FROM scan AS sc) PRECEDING AND CURRENT ROW  -- noqa: PRS
        )
    ),

    -- below: judged (the window lies after the acquisition) with hours available and
    -- 100 * used < alert_low_utilization_pct * available
    judged_windows AS (
        SELECT
            dw.equipment_id,
            dw.window_end,
            coalesce(
                dw.window_end - (s.window_days - 1) >= f.acquired_at
                AND dw.hours_available > 0
                AND 100 * dw.hours_used < s.low_pct * dw.hours_available,
                FALSE
            ) AS below
        FROM daily_windows AS dw
        INNER JOIN fleet AS f ON dw.equipment_id = f.equipment_id
        CROSS JOIN settings AS s
        CROSS JOIN scan AS sc
        WHERE dw.window_end >= sc.scan_start
    ),

    last_not_below AS (
        SELECT
            jw.equipment_id,
            max(jw.window_end) AS window_end
        FROM judged_windows AS jw
        WHERE NOT jw.below
        GROUP BY jw.equipment_id
    ),

    -- the run of low windows up to now began with the first low window after the last one
    -- that was not low (the start of the scan when all were low; yesterday when none is)
    low_streaks AS (
        SELECT
            jw.equipment_id,
            min(jw.window_end) AS below_since
        FROM judged_windows AS jw
        LEFT JOIN last_not_below AS ok ON jw.equipment_id = ok.equipment_id
        WHERE jw.below AND (ok.window_end IS NULL OR jw.window_end > ok.window_end)
        GROUP BY jw.equipment_id
    ),

    low_utilization AS (
        SELECT
            'low_utilization' AS alert_type,
            f.equipment_id AS entity_id,
            -- the first low window was complete at the local midnight that ended it
            ((coalesce(ls.below_since, s.yesterday) + 1)::timestamp AT TIME ZONE s.tz) AS detected_at,
            CASE
                WHEN 100 * cw.hours_used < s.critical_pct * cw.hours_available THEN 'critical' ELSE 'warning'
            END AS severity,
            jsonb_build_object(
                'alert_type', 'low_utilization',
                'equipment_id', f.equipment_id,
                'equipment_name', f.name,
                'category', f.category,
                'window_days', s.window_days,
                'window_start', s.yesterday - (s.window_days - 1),
                'window_end', s.yesterday,
                'hours_used', cw.hours_used,
                'hours_available', cw.hours_available,
                'utilization_pct', round(100 * cw.hours_used / cw.hours_available, 2),
                'threshold_pct', s.low_pct,
                'critical_pct', s.critical_pct,
                'below_since', coalesce(ls.below_since, s.yesterday)
            ) AS payload
        FROM current_windows AS cw
        INNER JOIN fleet AS f ON cw.equipment_id = f.equipment_id
        LEFT JOIN low_streaks AS ls ON cw.equipment_id = ls.equipment_id
        CROSS JOIN settings AS s
        WHERE
            s.yesterday - (s.window_days - 1) >= f.acquired_at
            AND cw.hours_available > 0
            AND 100 * cw.hours_used < s.low_pct * cw.hours_available
    ),

    -- metrics: overdue insurance (pending more than insurance_overdue_grace_hours past due_at)

    overdue_insurance AS (
        SELECT
            'overdue_insurance' AS alert_type,
            i.id AS entity_id,
            i.due_at + make_interval(secs => s.insurance_grace_hours * 3600) AS detected_at,
            CASE
                WHEN i.due_at + make_interval(secs => s.insurance_critical_hours * 3600) < s.as_of THEN 'critical'
                ELSE 'warning'
            END AS severity,
            jsonb_build_object(
                'alert_type', 'overdue_insurance',
                'insurance_document_id', i.id,
                'booking_id', i.booking_id,
                'user_id', i.user_id,
                'equipment_id', b.equipment_id,
                'booking_status', b.status,
                'booking_start_at', to_char(b.start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'submitted_at', to_char(i.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'due_at', to_char(i.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'grace_hours', s.insurance_grace_hours,
                'critical_hours', s.insurance_critical_hours,
                'critical_at', to_char(
                    (i.due_at + make_interval(secs => s.insurance_critical_hours * 3600)) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
                )
            ) AS payload
        FROM pending_insurance AS i
        INNER JOIN open_bookings AS b ON i.booking_id = b.id
        CROSS JOIN settings AS s
        WHERE i.due_at + make_interval(secs => s.insurance_grace_hours * 3600) < s.as_of
    ),

    -- metrics: SLA breaches (no first response later than created_at + the priority's SLA)

    sla_breaches AS (
        SELECT
            'sla_breach' AS alert_type,
            t.id AS entity_id,
            t.created_at + p.sla AS detected_at,
            CASE WHEN t.created_at + p.critical_after < s.as_of THEN 'critical' ELSE 'warning' END AS severity,
            jsonb_build_object(
                'alert_type', 'sla_breach',
                'ticket_id', t.id,
                'user_id', t.user_id,
                'booking_id', t.booking_id,
                'equipment_id', t.equipment_id,
                'priority', t.priority,
                'ticket_status', t.status,
                'created_at', to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'sla_hours', p.sla_hours,
                'sla_due_at', to_char((t.created_at + p.sla) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'critical_at', to_char((t.created_at + p.critical_after) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            ) AS payload
        FROM unanswered_tickets AS t
        INNER JOIN sla_policy AS p ON t.priority = p.priority
        CROSS JOIN settings AS s
        WHERE t.created_at + p.sla < s.as_of
    ),

    final AS (
        SELECT * FROM low_utilization
        UNION ALL
        SELECT * FROM overdue_insurance
        UNION ALL
        SELECT * FROM sla_breaches
    )

    SELECT f.alert_type, f.entity_id, f.detected_at, f.severity, f.payload
    FROM final AS f
    WHERE f.alert_type <> 'low_utilization' OR f.entity_id = ANY (v_machines);
END
$$;

COMMENT ON FUNCTION pgfresh.alert_candidates_tail(boolean, uuid[]) IS
'The rows of analytics.mv_alert_candidates as a refresh now would compute them: every sla_breach and overdue_insurance, and low_utilization of the machines given (all when p_all_machines). The live part of analytics.alert_candidates_live.';

-- The dashboards read analytics.alert_candidates_live, which calls it.
REVOKE ALL ON FUNCTION pgfresh.alert_candidates_tail(boolean, uuid[]) FROM public;
GRANT EXECUTE ON FUNCTION pgfresh.alert_candidates_tail(boolean, uuid[]) TO dashboard_reader;
