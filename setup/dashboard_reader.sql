-- role dashboard_reader: the read-only role of the dashboards (NOLOGIN group role).
-- It may read the analytics views and pgfresh.job_runs, nothing else (grants are next
-- to each object). Created only when missing, and never dropped by a downgrade: a role
-- belongs to the cluster, and other databases may grant to it too.
-- To read as another role, make it a member: GRANT dashboard_reader TO metabase;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'dashboard_reader') THEN
        CREATE ROLE dashboard_reader NOLOGIN;
        COMMENT ON ROLE dashboard_reader IS
        'pgfresh: reads the analytics materialized views and pgfresh.job_runs; grant it to the dashboards'' login role.';
    END IF;
END
$$;
