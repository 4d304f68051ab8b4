-- pgfresh._require_cron_privileges(scheduling): stops with SQLSTATE PF601, before pg_cron
-- is touched, when the current role lacks what managing pgfresh's pg_cron jobs needs; the
-- DETAIL names every missing privilege, the HINT gives the statements that grant them.
-- pg_cron's objects belong to the superuser who created the extension, and each platform
-- grants its own set: Supabase grants all of these to postgres; pg_cron's own defaults give
-- no USAGE on schema cron and revoke alter_job from PUBLIC. Removing a job (p_scheduling
-- false) needs USAGE on cron, SELECT on cron.job and cron.unschedule; scheduling one also
-- needs cron.schedule, cron.alter_job and LOGIN, since pg_cron runs each job in a new
-- session of the role that scheduled it. Reads only the catalogs: looking a name up
-- through schema cron would itself need USAGE on it.
CREATE FUNCTION pgfresh._require_cron_privileges(p_scheduling boolean)
RETURNS void
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_cron oid;
    v_missing text[];
    v_grants text[];
BEGIN
    SELECT n.oid INTO v_cron FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'cron';
    WITH needed (ord, privilege, grant_sql, granted) AS (
        SELECT 1, 'USAGE on schema cron', 'GRANT USAGE ON SCHEMA cron TO %I',
               pg_catalog.has_schema_privilege(v_cron, 'USAGE')
        UNION ALL
        SELECT 2, 'SELECT on table cron.job', 'GRANT SELECT ON cron.job TO %I',
               (SELECT pg_catalog.has_table_privilege(c.oid, 'SELECT')
                  FROM pg_catalog.pg_class AS c
                 WHERE c.relnamespace = v_cron AND c.relname = 'job')
        UNION ALL
        SELECT 2 + f.ord, pg_catalog.format('EXECUTE on function %s', f.signature),
               pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %%I', f.signature),
               (SELECT pg_catalog.bool_or(pg_catalog.has_function_privilege(p.oid, 'EXECUTE'))
                  FROM pg_catalog.pg_proc AS p
                 WHERE p.pronamespace = v_cron
                   AND p.oid::pg_catalog.regprocedure::text = f.signature)
          FROM (VALUES (1, 'cron.unschedule(bigint)', FALSE),
                       (2, 'cron.schedule(text,text,text)', TRUE),
                       (3, 'cron.alter_job(bigint,text,text,text,text,boolean)', TRUE)
               ) AS f (ord, signature, for_scheduling)
         WHERE p_scheduling OR NOT f.for_scheduling
        UNION ALL
        SELECT 6, 'LOGIN (a role attribute: each job runs in a new session of this role)',
               'ALTER ROLE %I LOGIN', r.rolcanlogin
          FROM pg_catalog.pg_roles AS r
         WHERE p_scheduling AND r.rolname = CURRENT_USER
    )
    SELECT pg_catalog.array_agg(n.privilege ORDER BY n.ord),
           pg_catalog.array_agg(pg_catalog.format(n.grant_sql, CURRENT_USER) ORDER BY n.ord)
      INTO v_missing, v_grants
      FROM needed AS n
     WHERE NOT coalesce(n.granted, FALSE);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'pgfresh: role % may not manage pg_cron jobs in database %',
            CURRENT_USER, pg_catalog.current_database()
            USING ERRCODE = 'PF601',
                  DETAIL = pg_catalog.format('Missing: %s.', pg_catalog.array_to_string(v_missing, '; ')),
                  HINT = pg_catalog.format(
                      'As the superuser that created pg_cron (on Supabase these are granted to postgres): %s; '
                      'then migrate again. Nothing was changed. Or install without the jobs: '
                      'alembic -x without_cron=true upgrade head.',
                      pg_catalog.array_to_string(v_grants, '; '));
    END IF;
END
$$;

COMMENT ON FUNCTION pgfresh._require_cron_privileges(boolean) IS
'Raises PF601 (DETAIL: each missing privilege; HINT: the GRANTs) unless the current role may schedule (true) or remove (false) pg_cron jobs here: USAGE on cron, SELECT on cron.job, EXECUTE on cron.unschedule(bigint), and for scheduling also on cron.schedule(text,text,text), cron.alter_job(...) and LOGIN.';

-- Called by schedule_job and unschedule_job only.
REVOKE ALL ON FUNCTION pgfresh._require_cron_privileges(boolean) FROM public;
