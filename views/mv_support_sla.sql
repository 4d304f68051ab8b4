-- analytics.mv_support_sla: one row per local calendar day (business time zone) from the
-- first support ticket to today: tickets opened, resolved and first-answered that day,
-- tickets still open at the end of the day by priority, first-response SLA breaches that
-- occurred that day, ticket notifications sent.
-- Read by the support dashboard. Refreshed every 5 minutes. "Now" is the refresh's
-- transaction timestamp (now()): today's row counts what is known at the refresh.
-- Measured (sample scale 1: 8.5k tickets, 300k notifications): REFRESH 0.10-0.13 s;
-- scale 2: 0.13-0.21 s.
-- requires: setup/analytics.sql, setup/dashboard_reader.sql, functions/setting.sql
CREATE MATERIALIZED VIEW analytics.mv_support_sla AS
WITH
settings AS MATERIALIZED (
    SELECT
        z.tz,
        now() AS as_of,
        (now() AT TIME ZONE z.tz)::date AS today
    FROM (SELECT pgfresh.setting('business_timezone') AS tz) AS z
),

-- the first-response SLA of each priority (settings sla_first_response_hours_<priority>)
sla_policy AS MATERIALIZED (
    SELECT
        v.priority,
        make_interval(secs => v.hours::numeric * 3600) AS sla
    FROM (
        VALUES
        ('low', pgfresh.setting('sla_first_response_hours_low')),
        ('normal', pgfresh.setting('sla_first_response_hours_normal')),
        ('high', pgfresh.setting('sla_first_response_hours_high')),
        ('urgent', pgfresh.setting('sla_first_response_hours_urgent'))
    ) AS v (priority, hours)
),

-- import CTEs

-- closed_at: when the ticket stopped being open: resolved_at, or updated_at for a
-- resolved/closed ticket without resolved_at; never before created_at
tickets AS (
    SELECT
        t.id,
        t.priority,
        t.created_at,
        t.first_response_at,
        CASE
            WHEN t.resolved_at IS NOT NULL THEN greatest(t.created_at, t.resolved_at)
            WHEN t.status IN ('resolved', 'closed') THEN greatest(t.created_at, t.updated_at)
        END AS closed_at
    FROM public.support_tickets AS t
),

ticket_notifications AS (
    SELECT n.sent_at
    FROM public.notifications AS n
    WHERE n.ticket_id IS NOT NULL AND n.status = 'sent' AND n.sent_at IS NOT NULL
),

calendar AS (
    SELECT s.today - g.n AS bucket_date
    FROM settings AS s
    CROSS JOIN LATERAL generate_series(
        0,
        s.today - (SELECT min((t.created_at AT TIME ZONE s.tz)::date) FROM tickets AS t)
    ) AS g (n)
),

-- metrics

created_by_day AS (
    SELECT
        (t.created_at AT TIME ZONE s.tz)::date AS bucket_date,
        count(*) AS tickets_created
    FROM tickets AS t
    CROSS JOIN settings AS s
    GROUP BY (t.created_at AT TIME ZONE s.tz)::date
),

resolved_by_day AS (
    SELECT
        (t.closed_at AT TIME ZONE s.tz)::date AS bucket_date,
        count(*) AS tickets_resolved
    FROM tickets AS t
    CROSS JOIN settings AS s
    WHERE t.closed_at IS NOT NULL
    GROUP BY (t.closed_at AT TIME ZONE s.tz)::date
),

first_responses_by_day AS (
    SELECT
        (t.first_response_at AT TIME ZONE s.tz)::date AS bucket_date,
        count(*) AS first_responses
    FROM tickets AS t
    CROSS JOIN settings AS s
    WHERE t.first_response_at IS NOT NULL
    GROUP BY (t.first_response_at AT TIME ZONE s.tz)::date
),

-- open at the end of day d = opened on or before d and not closed on or before d:
-- a running sum of +1 on the opening day and -1 on the closing day
open_changes_by_day AS (
    SELECT
        e.bucket_date,
        sum(e.delta) FILTER (WHERE e.priority = 'low') AS low,
        sum(e.delta) FILTER (WHERE e.priority = 'normal') AS normal,
        sum(e.delta) FILTER (WHERE e.priority = 'high') AS high,
        sum(e.delta) FILTER (WHERE e.priority = 'urgent') AS urgent
    FROM (
        SELECT
            (t.created_at AT TIME ZONE s.tz)::date AS bucket_date,
            t.priority,
            1 AS delta
        FROM tickets AS t
        CROSS JOIN settings AS s
        UNION ALL
        SELECT
            (t.closed_at AT TIME ZONE s.tz)::date AS bucket_date,
            t.priority,
            -1 AS delta
        FROM tickets AS t
        CROSS JOIN settings AS s
        WHERE t.closed_at IS NOT NULL
    ) AS e
    GROUP BY e.bucket_date
),

open_by_day AS (
    SELECT
        c.bucket_date,
        (sum(coalesce(oc.low, 0)) OVER w)::bigint AS low,
        (sum(coalesce(oc.normal, 0)) OVER w)::bigint AS normal,
        (sum(coalesce(oc.high, 0)) OVER w)::bigint AS high,
        (sum(coalesce(oc.urgent, 0)) OVER w)::bigint AS urgent
    FROM calendar AS c
    LEFT JOIN open_changes_by_day AS oc ON c.bucket_date = oc.bucket_date
    WINDOW w AS (ORDER BY c.bucket_date)
),

-- a breach occurs at the SLA deadline (created_at + SLA) when no first response came by
-- then (a response exactly at the deadline meets the SLA); counted on the deadline's
-- local day, once the deadline is in the past
breaches_by_day AS (
    SELECT
        (d.deadline AT TIME ZONE s.tz)::date AS bucket_date,
        count(*) AS sla_breaches
    FROM (
        SELECT
            t.first_response_at,
            t.created_at + p.sla AS deadline
        FROM tickets AS t
        INNER JOIN sla_policy AS p ON t.priority = p.priority
    ) AS d
    CROSS JOIN settings AS s
    WHERE d.deadline < s.as_of AND (d.first_response_at IS NULL OR d.first_response_at > d.deadline)
    GROUP BY (d.deadline AT TIME ZONE s.tz)::date
),

notifications_by_day AS (
    SELECT
        (n.sent_at AT TIME ZONE s.tz)::date AS bucket_date,
        count(*) AS notifications_sent
    FROM ticket_notifications AS n
    CROSS JOIN settings AS s
    GROUP BY (n.sent_at AT TIME ZONE s.tz)::date
),

final AS (
    SELECT
        c.bucket_date,
        coalesce(cr.tickets_created, 0) AS tickets_created,
        coalesce(rs.tickets_resolved, 0) AS tickets_resolved,
        coalesce(fr.first_responses, 0) AS first_responses,
        o.low + o.normal + o.high + o.urgent AS open_tickets,
        jsonb_build_object(
            'low', o.low, 'normal', o.normal, 'high', o.high, 'urgent', o.urgent
        ) AS priority_counts,
        coalesce(br.sla_breaches, 0) AS sla_breaches,
        coalesce(nt.notifications_sent, 0) AS notifications_sent
    FROM calendar AS c
    INNER JOIN open_by_day AS o ON c.bucket_date = o.bucket_date
    LEFT JOIN created_by_day AS cr ON c.bucket_date = cr.bucket_date
    LEFT JOIN resolved_by_day AS rs ON c.bucket_date = rs.bucket_date
    LEFT JOIN first_responses_by_day AS fr ON c.bucket_date = fr.bucket_date
    LEFT JOIN breaches_by_day AS br ON c.bucket_date = br.bucket_date
    LEFT JOIN notifications_by_day AS nt ON c.bucket_date = nt.bucket_date
)

SELECT * FROM final
WITH NO DATA;

CREATE UNIQUE INDEX mv_support_sla_bucket_date_idx
ON analytics.mv_support_sla (bucket_date);

COMMENT ON MATERIALIZED VIEW analytics.mv_support_sla IS
'One row per local day (pgfresh.setting(''business_timezone'')) from the first support ticket to today: tickets opened/resolved/first-answered, open tickets by priority at the end of the day, first-response SLA breaches, ticket notifications sent. As of the refresh (now() of its transaction).';
COMMENT ON COLUMN analytics.mv_support_sla.tickets_resolved IS
'Tickets whose closing time falls on that day: resolved_at, or updated_at for a resolved/closed ticket without resolved_at.';
COMMENT ON COLUMN analytics.mv_support_sla.first_responses IS
'Tickets whose first_response_at falls on that day.';
COMMENT ON COLUMN analytics.mv_support_sla.open_tickets IS
'Tickets opened before the end of that local day and not closed before it (status open or pending then); for today: as of the refresh.';
COMMENT ON COLUMN analytics.mv_support_sla.priority_counts IS
'open_tickets by priority: {"low": n, "normal": n, "high": n, "urgent": n} (contracts/mv_support_sla.priority_counts.schema.json).';
COMMENT ON COLUMN analytics.mv_support_sla.sla_breaches IS
'Tickets whose first-response deadline (created_at + sla_first_response_hours_<priority>) fell on that day, before the refresh, with no first response by then (a response exactly at the deadline is on time).';
COMMENT ON COLUMN analytics.mv_support_sla.notifications_sent IS
'Notifications linked to a ticket (ticket_id set) with status sent, by the local day of sent_at.';

-- The dashboards read it through the read-only role; nobody else (anon, authenticated:
-- nothing granted, and PUBLIC has no USAGE on schema analytics).
GRANT SELECT ON analytics.mv_support_sla TO dashboard_reader;
