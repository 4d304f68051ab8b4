-- pgfresh.refresh_status_at(at): the freshness of every managed view at the instant at,
-- one row per materialized view of schema analytics; what pgfresh.refresh_status shows
-- for now(). A pure function of at, the policies, the settings and the history up to at
-- (job_runs, alert_incidents, refresh_queue), so a test can ask it about any instant.
-- requires: setup/dashboard_reader.sql, functions/_managed_relations.sql, tables/refresh_policies.sql, tables/job_runs.sql, tables/alert_incidents.sql, tables/refresh_queue.sql, functions/setting.sql, functions/schedule_slot.sql
-- Stale: scheduled (a policy row), not paused, and either never refreshed, or its
-- current slot (pgfresh.schedule_slot, the slot pgfresh.due_views reads) began more than
-- the setting stale_grace ago and no refresh of it has succeeded since: its data is then
-- older than the expected interval plus the grace, measured on the schedule's own clock
-- (business hours, nightly and DST days included).
-- Cheap: it is scraped every 15 s. Each view costs a few index probes of
-- job_runs_view_name_started_at_idx and one of the queue and incident indexes; plpgsql
-- so that the plan is cached (read time measured in docs/monitoring.md).
CREATE FUNCTION pgfresh.refresh_status_at(p_at timestamptz)
RETURNS TABLE (
    view_name text,
    cadence text,
    paused boolean,
    business_hours boolean,
    expected_interval interval,
    slot_start timestamptz,
    last_success_at timestamptz,
    last_success_duration interval,
    age interval,
    is_stale boolean,
    last_attempt_at timestamptz,
    last_status text,
    last_error text,
    consecutive_failures integer,
    incident_id bigint,
    incident_opened_at timestamptz,
    queue_pending integer,
    queue_oldest_age interval,
    runs_last_day integer,
    failures_last_day integer,
    duration_mean interval,
    duration_p95 interval,
    row_estimate bigint,
    total_bytes bigint,
    business_timezone text
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
ROWS 8
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    RETURN QUERY
    WITH
    settings AS (
        SELECT
            pgfresh.setting('business_timezone') AS tz,
            pgfresh.setting('business_hours_start')::time AS business_hours_start,
            pgfresh.setting('business_hours_end')::time AS business_hours_end,
            pgfresh.setting('nightly_at')::time AS nightly_at,
            pgfresh.setting('stale_grace')::interval AS grace
    ),

    managed AS (
        SELECT
            c.oid AS view_oid,
            r.view_name,
            c.reltuples
        FROM pgfresh._managed_relations() AS r
        INNER JOIN pg_catalog.pg_class AS c ON r.relid = c.oid
    ),

    policies AS (
        SELECT
            m.view_oid,
            m.view_name,
            m.reltuples,
            p.cadence,
            coalesce(p.paused, FALSE) AS paused,
            CASE WHEN p.cadence IS NOT NULL THEN s.slot_start END AS slot_start,
            CASE WHEN p.cadence IS NOT NULL THEN s.business_hours END AS business_hours,
            CASE
                WHEN p.cadence = 'nightly' THEN INTERVAL '1 day'
                WHEN s.business_hours THEN p.business_hours_every
                ELSE p.refresh_every
            END AS expected_interval
        FROM managed AS m
        CROSS JOIN settings AS st
        LEFT JOIN pgfresh.refresh_policies AS p ON m.view_name = p.view_name
        -- A view without a policy has no slot: it gets a stand-in daily one (schedule_slot
        -- refuses a NULL cadence, and a WHERE cannot keep a lateral call from running),
        -- nulled above.
        CROSS JOIN LATERAL pgfresh.schedule_slot(
            p_at, st.tz, coalesce(p.cadence, 'every'), coalesce(p.refresh_every, INTERVAL '1 day'),
            p.business_hours_every, st.business_hours_start, st.business_hours_end, st.nightly_at
        ) AS s
    ),

    last_success AS (
        SELECT
            p.view_name,
            r.started_at,
            r.finished_at,
            r.duration
        FROM policies AS p
        CROSS JOIN LATERAL (
            SELECT j.started_at, j.finished_at, j.duration
            FROM pgfresh.job_runs AS j
            WHERE j.view_name = p.view_name AND j.status = 'success' AND j.started_at <= p_at
            ORDER BY j.started_at DESC
            LIMIT 1
        ) AS r
    ),

    last_attempt AS (
        SELECT
            p.view_name,
            r.started_at,
            r.status,
            r.error_message
        FROM policies AS p
        CROSS JOIN LATERAL (
            SELECT j.started_at, j.status, j.error_message
            FROM pgfresh.job_runs AS j
            WHERE j.view_name = p.view_name AND j.started_at <= p_at
            ORDER BY j.started_at DESC
            LIMIT 1
        ) AS r
    ),

    -- Failures since the last success, counted like pgfresh.failure_streak (skipped and
    -- abandoned runs neither count nor break the streak).
    failure_streaks AS (
        SELECT
            p.view_name,
            (
                SELECT count(*)::integer
                FROM pgfresh.job_runs AS j
                WHERE
                    j.view_name = p.view_name
                    AND j.status = 'failed'
                    AND j.started_at > coalesce(s.started_at, '-infinity'::timestamptz)
                    AND j.started_at <= p_at
            ) AS consecutive_failures
        FROM policies AS p
        LEFT JOIN last_success AS s ON p.view_name = s.view_name
    ),

    last_day AS (
        SELECT
            p.view_name,
            count(*) FILTER (WHERE j.status IN ('success', 'failed'))::integer AS runs_last_day,
            count(*) FILTER (WHERE j.status = 'failed')::integer AS failures_last_day,
            avg(j.duration) FILTER (WHERE j.status = 'success') AS duration_mean,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(EPOCH FROM j.duration))
                FILTER (WHERE j.status = 'success') AS p95_seconds
        FROM policies AS p
        INNER JOIN pgfresh.job_runs AS j
            ON
                p.view_name = j.view_name
                AND j.started_at > p_at - INTERVAL '1 day'
                AND j.started_at <= p_at
        GROUP BY p.view_name
    ),

    open_incidents AS (
        SELECT
            i.view_name,
            i.id,
            i.opened_at
        FROM pgfresh.alert_incidents AS i
        WHERE i.opened_at <= p_at AND (i.resolved_at IS NULL OR i.resolved_at > p_at)
    ),

    queue AS (
        SELECT
            p.view_name,
            q.pending,
            q.oldest
        FROM policies AS p
        CROSS JOIN LATERAL (
            SELECT
                count(*)::integer AS pending,
                min(r.enqueued_at) AS oldest
            FROM pgfresh.refresh_queue AS r
            WHERE r.view_name = p.view_name AND r.enqueued_at <= p_at
        ) AS q
    ),

    final AS (
        SELECT
            p.view_name,
            p.cadence,
            p.paused,
            p.business_hours,
            p.expected_interval,
            p.slot_start,
            s.finished_at AS last_success_at,
            s.duration AS last_success_duration,
            p_at - s.started_at AS age,
            (
                p.cadence IS NOT NULL
                AND NOT p.paused
                AND (
                    s.started_at IS NULL
                    OR (s.started_at < p.slot_start AND p_at >= p.slot_start + st.grace)
                )
            ) AS is_stale,
            a.started_at AS last_attempt_at,
            a.status AS last_status,
            CASE WHEN a.status = 'failed' THEN a.error_message END AS last_error,
            f.consecutive_failures,
            i.id AS incident_id,
            i.opened_at AS incident_opened_at,
            coalesce(q.pending, 0) AS queue_pending,
            p_at - q.oldest AS queue_oldest_age,
            coalesce(d.runs_last_day, 0) AS runs_last_day,
            coalesce(d.failures_last_day, 0) AS failures_last_day,
            d.duration_mean,
            make_interval(secs => d.p95_seconds) AS duration_p95,
            -- -1: never analyzed (a REFRESH does not analyze); NULL rather than a guess
            CASE WHEN p.reltuples >= 0 THEN p.reltuples::bigint END AS row_estimate,
            pg_catalog.pg_total_relation_size(p.view_oid) AS total_bytes,
            st.tz AS business_timezone
        FROM policies AS p
        CROSS JOIN settings AS st
        LEFT JOIN last_success AS s ON p.view_name = s.view_name
        LEFT JOIN last_attempt AS a ON p.view_name = a.view_name
        LEFT JOIN failure_streaks AS f ON p.view_name = f.view_name
        LEFT JOIN last_day AS d ON p.view_name = d.view_name
        LEFT JOIN open_incidents AS i ON p.view_name = i.view_name
        LEFT JOIN queue AS q ON p.view_name = q.view_name
    )

    SELECT
        f.view_name,
        f.cadence,
        f.paused,
        f.business_hours,
        f.expected_interval,
        f.slot_start,
        f.last_success_at,
        f.last_success_duration,
        f.age,
        f.is_stale,
        f.last_attempt_at,
        f.last_status,
        f.last_error,
        f.consecutive_failures,
        f.incident_id,
        f.incident_opened_at,
        f.queue_pending,
        f.queue_oldest_age,
        f.runs_last_day,
        f.failures_last_day,
        f.duration_mean,
        f.duration_p95,
        f.row_estimate,
        f.total_bytes,
        f.business_timezone
    FROM final AS f
    ORDER BY f.view_name;
END
$$;

COMMENT ON FUNCTION pgfresh.refresh_status_at(timestamptz) IS
'Freshness of every managed view at p_at: last success and attempt, age of the data (p_at - start of the last successful refresh), expected interval of its policy at p_at, is_stale (current slot begun more than stale_grace ago with no success since), failures in a row, open incident, queue, last-day durations, size, and the business time zone to show times in. Pure: reads history up to p_at.';

-- The dashboards read pgfresh.refresh_status, which calls this function; PostgreSQL
-- checks EXECUTE on a function called by a view against the reader, so the read-only
-- role gets it. It shows only what the status view shows (SECURITY DEFINER reads the
-- owner-only policies, settings, queue and incidents for it).
REVOKE ALL ON FUNCTION pgfresh.refresh_status_at(timestamptz) FROM public;
GRANT EXECUTE ON FUNCTION pgfresh.refresh_status_at(timestamptz) TO dashboard_reader;
