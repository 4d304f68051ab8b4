-- pgfresh._notify_incident(event, incident): tells listeners that an incident opened or
-- was resolved, on channel pgfresh_incidents, with a JSON payload.
-- requires: tables/alert_incidents.sql
-- pg_notify is transactional: listeners hear it when the refresh's transaction commits.
-- Payload: {"event": "opened"|"resolved", "incident_id", "database", "view_name",
-- "consecutive_failures", "opened_at", "resolved_at", "last_error", "last_sqlstate",
-- "last_failed_run_id", "resolved_by_run_id"}; last_error is cut to 1000 characters so
-- the payload stays far below pg_notify's 8000-byte limit.
CREATE FUNCTION pgfresh._notify_incident(p_event text, p_incident pgfresh.alert_incidents)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
BEGIN
    PERFORM pg_catalog.pg_notify(
        'pgfresh_incidents',
        pg_catalog.json_build_object(
            'event', p_event,
            'incident_id', p_incident.id,
            'database', pg_catalog.current_database(),
            'view_name', p_incident.view_name,
            'consecutive_failures', p_incident.consecutive_failures,
            'opened_at', p_incident.opened_at,
            'resolved_at', p_incident.resolved_at,
            'last_error', pg_catalog.left(p_incident.last_error, 1000),
            'last_sqlstate', p_incident.last_sqlstate,
            'last_failed_run_id', p_incident.last_failed_run_id,
            'resolved_by_run_id', p_incident.resolved_by_run_id
        )::text
    );
END
$$;

COMMENT ON FUNCTION pgfresh._notify_incident(text, pgfresh.alert_incidents) IS
'pg_notify(''pgfresh_incidents'', JSON) for an incident that opened or was resolved (event = opened | resolved).';

REVOKE ALL ON FUNCTION pgfresh._notify_incident(text, pgfresh.alert_incidents) FROM public;
