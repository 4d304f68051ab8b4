-- analytics.mv_alert_candidates: one row per condition that needs attention NOW (as of the
-- refresh, now() of its transaction): a machine with low utilization, a pending insurance
-- document past its due date, a support ticket past its first-response SLA.
-- Read by the alerting job and the admin alert list. Refreshed every 5 minutes and on
-- support, insurance and equipment events.
-- detected_at is when the condition began, derived from the data (not the refresh time),
-- and payloads hold no now()-relative values: a refresh rewrites only the rows whose
-- condition changed, so REFRESH ... CONCURRENTLY does not churn.
-- requires: setup/analytics.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_alert_candidates AS
WITH
settings AS MATERIALIZED (
    SELECT
        z.tz,
        now() AS as_of,
        (now() AT TIME ZONE z.tz)::date - 1 AS yesterday,
        pgfresh.setting('utilization_lookback_days')::integer AS lookback_days,
        pgfresh.setting('alert_low_utilization_window_days')::integer AS window_days,
        pgfresh.setting('alert_low_utilization_pct')::numeric AS low_pct,
        pgfresh.setting('alert_low_utilization_critical_pct')::numeric AS critical_pct,
        pgfresh.setting('insurance_overdue_grace_hours')::numeric AS insurance_grace_hours,
        pgfresh.setting('insurance_overdue_critical_hours')::numeric AS insurance_critical_hours,
        pgfresh.setting('alert_sla_breach_critical_factor')::numeric AS sla_critical_factor
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- low utilization is judged on windows of window_days full local days ending on each day
-- of the last lookback_days days (scan_start .. yesterday); the running sums start
-- window_days earlier
scan AS MATERIALIZED (
    SELECT
        s.yesterday - (s.lookback_days - 1) AS scan_start,
        s.yesterday - (s.lookback_days - 1) - s.window_days AS grid_start
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
    WHERE u.usage_date BETWEEN sc.grid_start AND s.yesterday
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

fleet_days AS (
    SELECT
        f.equipment_id,
        f.acquired_at,
        greatest(f.acquired_at, sc.grid_start) + g.n AS usage_date
    FROM fleet AS f
    CROSS JOIN settings AS s
    CROSS JOIN scan AS sc
    CROSS JOIN LATERAL generate_series(0, s.yesterday - greatest(f.acquired_at, sc.grid_start)) AS g (n)
),

hours_to_date AS (
    SELECT
        fd.equipment_id,
        fd.acquired_at,
        fd.usage_date,
        sum(coalesce(t.hours_used, 0)) OVER w AS used_to_date,
        sum(coalesce(t.hours_available, 0)) OVER w AS available_to_date
    FROM fleet_days AS fd
    LEFT JOIN telemetry AS t ON fd.equipment_id = t.equipment_id AND fd.usage_date = t.usage_date
    WINDOW w AS (PARTITION BY fd.equipment_id ORDER BY fd.usage_date)
),

-- a window ending on window_end is judged only when it lies after the acquisition;
-- below: utilization under alert_low_utilization_pct (no hours available: not below)
utilization_windows AS (
    SELECT
        h.equipment_id,
        h.usage_date AS window_end,
        h.used_to_date - lag(h.used_to_date, s.window_days, 0) OVER w AS hours_used,
        h.available_to_date - lag(h.available_to_date, s.window_days, 0) OVER w AS hours_available,
        h.usage_date - (s.window_days - 1) >= h.acquired_at AS judged
    FROM hours_to_date AS h
    CROSS JOIN settings AS s
    WINDOW w AS (PARTITION BY h.equipment_id ORDER BY h.usage_date)
),

judged_windows AS (
    SELECT
        uw.equipment_id,
        uw.window_end,
        uw.hours_used,
        uw.hours_available,
        coalesce(uw.judged AND uw.hours_available > 0 AND 100 * uw.hours_used < s.low_pct * uw.hours_available, FALSE)
            AS below
    FROM utilization_windows AS uw
    CROSS JOIN settings AS s
    CROSS JOIN scan AS sc
    WHERE uw.window_end >= sc.scan_start
),

-- the current run of below-threshold windows ending yesterday: it began on the day after
-- the last window that was not below (or on scan_start)
last_not_below AS (
    SELECT
        jw.equipment_id,
        max(jw.window_end) AS window_end
    FROM judged_windows AS jw
    WHERE NOT jw.below
    GROUP BY jw.equipment_id
),

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
        -- the first below window was complete at the local midnight that ended it
        ((ls.below_since + 1)::timestamp AT TIME ZONE s.tz) AS detected_at,
        CASE
            WHEN 100 * jw.hours_used < s.critical_pct * jw.hours_available THEN 'critical' ELSE 'warning'
        END AS severity,
        jsonb_build_object(
            'alert_type', 'low_utilization',
            'equipment_id', f.equipment_id,
            'equipment_name', f.name,
            'category', f.category,
            'window_days', s.window_days,
            'window_start', jw.window_end - (s.window_days - 1),
            'window_end', jw.window_end,
            'hours_used', jw.hours_used,
            'hours_available', jw.hours_available,
            'utilization_pct', round(100 * jw.hours_used / jw.hours_available, 2),
            'threshold_pct', s.low_pct,
            'critical_pct', s.critical_pct,
            'below_since', ls.below_since
        ) AS payload
    FROM low_streaks AS ls
    INNER JOIN fleet AS f ON ls.equipment_id = f.equipment_id
    INNER JOIN judged_windows AS jw ON ls.equipment_id = jw.equipment_id
    CROSS JOIN settings AS s
    WHERE jw.window_end = s.yesterday
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

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_alert_candidates_alert_type_entity_id_idx
ON analytics.mv_alert_candidates (alert_type, entity_id);

-- the alerting job reads the critical candidates of one kind
CREATE INDEX mv_alert_candidates_alert_type_severity_idx
ON analytics.mv_alert_candidates (alert_type, severity);

COMMENT ON MATERIALIZED VIEW analytics.mv_alert_candidates IS
'One row per current alert condition (as of the refresh, now() of its transaction): low_utilization (entity: equipment), overdue_insurance (entity: insurance document), sla_breach (entity: support ticket). Thresholds are pgfresh settings (alert_*, insurance_*, sla_*).';
COMMENT ON COLUMN analytics.mv_alert_candidates.alert_type IS
'low_utilization: utilization over the last alert_low_utilization_window_days full local days below alert_low_utilization_pct (machines not in maintenance or retired); overdue_insurance: a pending document more than insurance_overdue_grace_hours past due_at, its booking pending/confirmed/active; sla_breach: an open or pending ticket with no first response more than sla_first_response_hours_<priority> after created_at.';
COMMENT ON COLUMN analytics.mv_alert_candidates.entity_id IS
'equipment.id (low_utilization), insurance_documents.id (overdue_insurance), support_tickets.id (sla_breach).';
COMMENT ON COLUMN analytics.mv_alert_candidates.detected_at IS
'When the condition began, from the data: the local midnight ending the first day of the current run of low windows (scanned back at most utilization_lookback_days); due_at + grace; created_at + SLA.';
COMMENT ON COLUMN analytics.mv_alert_candidates.severity IS
'warning, or critical: utilization below alert_low_utilization_critical_pct; more than insurance_overdue_critical_hours past due_at; waiting more than alert_sla_breach_critical_factor x SLA.';
COMMENT ON COLUMN analytics.mv_alert_candidates.payload IS
'Details of the condition, keyed by its own alert_type; timestamps as UTC ISO 8601 strings; no now()-relative values. Contract: contracts/mv_alert_candidates.payload.schema.json.';
