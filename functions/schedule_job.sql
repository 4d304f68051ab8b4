-- pgfresh.schedule_job(name, schedule, command): creates or updates the pg_cron job of
-- that name in this database; what the files of cron/ call (their undo is
-- pgfresh.unschedule_job). Idempotent by name: this role's existing job of that name in
-- this database is updated in place (cron.alter_job, same jobid) and its duplicates are
-- removed, whether or not this pg_cron's cron.schedule updates in place (1.4.2 and 1.6 do);
-- other roles' jobs of that name are left alone, with a WARNING.
-- requires: functions/_cron_schedule.sql, functions/_require_cron_privileges.sql
-- Without pg_cron in this database it stops (SQLSTATE PF302) and says how to enable it,
-- unless the session setting pgfresh.without_cron is 'on' (alembic -x without_cron=true,
-- PGFRESH_WITHOUT_CRON=1): then it schedules nothing, says so in a NOTICE and returns NULL,
-- having read no setting and no object of pg_cron. A role that lacks a privilege on
-- pg_cron's objects (or LOGIN) is stopped with PF601 before any job is touched. It runs as
-- its caller (no SECURITY DEFINER): the job is pg_cron's record of that role.
CREATE FUNCTION pgfresh.schedule_job(p_job_name text, p_schedule text, p_command text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_cron_version text;
    -- pg_cron creates its objects in schema cron whatever the extension's schema is.
    v_cron_schema constant text := 'cron';
    v_other_database text;
    v_other_roles text;
    v_cron_database text;
    v_preload text;
    v_without_cron constant text :=
        'To install without schedules (an outside scheduler calls pgfresh.run_due): '
        'alembic -x without_cron=true upgrade head, or PGFRESH_WITHOUT_CRON=1.';
    v_schedule text;
    v_jobids bigint[];
    v_jobid bigint;
BEGIN
    IF p_job_name IS NULL OR p_job_name !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'pgfresh: invalid job name %', coalesce(quote_literal(p_job_name), 'NULL')
            USING ERRCODE = 'PF301',
                  HINT = 'A job name is lower case letters, digits and _, such as cron_dashboard_hourly.';
    END IF;
    IF p_schedule IS NULL OR btrim(p_schedule) = '' THEN
        RAISE EXCEPTION 'pgfresh: job % has no schedule', p_job_name
            USING ERRCODE = 'PF301',
                  HINT = 'A pg_cron schedule in UTC, such as */15 * * * *, or 30 seconds.';
    END IF;
    IF p_command IS NULL
       OR p_command !~* '^\s*(CALL|SELECT)\s+pgfresh\.[a-z_][a-z0-9_]*\s*\([^;]*\)\s*;?\s*$' THEN
        RAISE EXCEPTION 'pgfresh: job % must run one call of a pgfresh routine', p_job_name
            USING ERRCODE = 'PF301',
                  DETAIL = pg_catalog.format('command: %s', coalesce(p_command, 'NULL')),
                  HINT = 'Such as CALL pgfresh.run_due(p_job => ''cron_dashboard_hourly''): the logic stays in plpgsql.';
    END IF;

    IF current_setting('pgfresh.without_cron', TRUE) = 'on' THEN
        RAISE NOTICE 'pgfresh: without_cron is on: job % (%) not scheduled', p_job_name, p_schedule
            USING DETAIL = pg_catalog.format('An outside scheduler should run: %s', p_command);
        RETURN NULL;
    END IF;

    SELECT e.extversion INTO v_cron_version FROM pg_catalog.pg_extension AS e WHERE e.extname = 'pg_cron';
    IF v_cron_version IS NULL THEN
        -- Why it is missing is in two superuser-only settings (readable by superusers and
        -- members of pg_read_all_settings: on Supabase, postgres through pg_monitor).
        IF NOT pg_catalog.pg_has_role('pg_read_all_settings', 'USAGE') THEN
            RAISE EXCEPTION 'pgfresh: pg_cron is not installed in database %', current_database()
                USING ERRCODE = 'PF302',
                      DETAIL = pg_catalog.format(
                          'The extension is not created here. Role %I cannot tell whether pg_cron is loaded: '
                          'shared_preload_libraries and cron.database_name are readable only by superusers '
                          'and members of pg_read_all_settings.', CURRENT_USER),
                      HINT = pg_catalog.format(
                          'Ask the administrator to add pg_cron to shared_preload_libraries, set cron.database_name = %L '
                          'and run CREATE EXTENSION pg_cron in database %s, then migrate again. %s',
                          current_database(), current_database(), v_without_cron);
        END IF;
        v_preload := current_setting('shared_preload_libraries');
        v_cron_database := current_setting('cron.database_name', TRUE);
        IF v_preload !~ '(^|[\s,])"?pg_cron"?($|[\s,])' THEN
            RAISE EXCEPTION 'pgfresh: pg_cron is not installed in database %', current_database()
                USING ERRCODE = 'PF302',
                      DETAIL = pg_catalog.format('pg_cron is not loaded: shared_preload_libraries is %L.', v_preload),
                      HINT = pg_catalog.format(
                          'In postgresql.conf add pg_cron to shared_preload_libraries and set cron.database_name = %L, '
                          'restart PostgreSQL, run CREATE EXTENSION pg_cron in database %s, then migrate again. %s',
                          current_database(), current_database(), v_without_cron);
        ELSIF v_cron_database IS DISTINCT FROM current_database() THEN
            RAISE EXCEPTION 'pgfresh: pg_cron is not installed in database %', current_database()
                USING ERRCODE = 'PF302',
                      DETAIL = pg_catalog.format(
                          'pg_cron runs in database %s (cron.database_name) and can only be created there.',
                          v_cron_database),
                      HINT = pg_catalog.format(
                          'Migrate database %s, or set cron.database_name = %L and restart PostgreSQL, then run '
                          'CREATE EXTENSION pg_cron in database %s and migrate again. %s',
                          v_cron_database, current_database(), current_database(), v_without_cron);
        ELSE
            RAISE EXCEPTION 'pgfresh: pg_cron is not installed in database %', current_database()
                USING ERRCODE = 'PF302',
                      DETAIL = 'pg_cron is loaded and cron.database_name is this database, but the extension is not created.',
                      HINT = pg_catalog.format(
                          'Run CREATE EXTENSION pg_cron in database %s (as a superuser; on Supabase: enable pg_cron '
                          'under Database, Extensions), then migrate again. %s',
                          current_database(), v_without_cron);
        END IF;
    END IF;
    PERFORM pgfresh._require_cron_privileges(TRUE);

    v_schedule := pgfresh._cron_schedule(p_schedule, v_cron_version);
    IF v_schedule IS DISTINCT FROM p_schedule THEN
        RAISE NOTICE 'pgfresh: pg_cron % has no seconds schedules: job % runs every minute (%)',
            v_cron_version, p_job_name, v_schedule;
    END IF;

    -- Schema cron exists only where pg_cron is installed: its objects are reached through
    -- EXECUTE (so that this function compiles anywhere), arguments as parameters.
    EXECUTE pg_catalog.format(
        'SELECT array_agg(j.jobid ORDER BY j.jobid) FROM %I.job AS j '
        'WHERE j.jobname = $1 AND j.username = CURRENT_USER AND j.database = pg_catalog.current_database()',
        v_cron_schema
    ) INTO v_jobids USING p_job_name;
    -- Another role's job of the same name is not this role's to change (pg_cron lets only a
    -- superuser, or a role that may write cron.job, alter or remove it): left alone, said.
    EXECUTE pg_catalog.format(
        'SELECT pg_catalog.string_agg(DISTINCT j.username, '', '') FROM %I.job AS j '
        'WHERE j.jobname = $1 AND j.username <> CURRENT_USER AND j.database = pg_catalog.current_database()',
        v_cron_schema
    ) INTO v_other_roles USING p_job_name;
    IF v_other_roles IS NOT NULL THEN
        RAISE WARNING 'pgfresh: role % also has a pg_cron job named % in this database; it is left alone',
            v_other_roles, p_job_name
            USING HINT = 'Both run. A superuser can remove the other one: SELECT cron.unschedule(jobid) '
                         'FROM cron.job WHERE jobname = ... AND username = ...;';
    END IF;
    -- pg_cron keeps a name unique per role across databases: cron.schedule would take over
    -- this role's job of that name in another database. Refuse instead.
    EXECUTE pg_catalog.format(
        'SELECT min(j.database) FROM %I.job AS j '
        'WHERE j.jobname = $1 AND j.username = CURRENT_USER AND j.database <> pg_catalog.current_database()',
        v_cron_schema
    ) INTO v_other_database USING p_job_name;
    IF v_jobids IS NULL AND v_other_database IS NOT NULL THEN
        RAISE EXCEPTION 'pgfresh: job name % is taken by a job of database %', p_job_name, v_other_database
            USING ERRCODE = 'PF301',
                  DETAIL = 'pg_cron keeps one job per name and role; scheduling it here would change that job.',
                  HINT = 'Unschedule or rename that job, or migrate as another role.';
    END IF;
    BEGIN
        IF v_jobids IS NULL THEN
            EXECUTE pg_catalog.format('SELECT %I.schedule($1, $2, $3)', v_cron_schema)
                INTO v_jobid USING p_job_name, v_schedule, p_command;
        ELSE
            v_jobid := v_jobids[1];
            EXECUTE pg_catalog.format('SELECT %I.alter_job($1, schedule => $2, command => $3)', v_cron_schema)
                USING v_jobid, v_schedule, p_command;
            FOR v_i IN 2..cardinality(v_jobids) LOOP
                EXECUTE pg_catalog.format('SELECT %I.unschedule($1)', v_cron_schema) USING v_jobids[v_i];
            END LOOP;
        END IF;
    EXCEPTION WHEN invalid_parameter_value THEN
        RAISE EXCEPTION 'pgfresh: pg_cron % refused the schedule of job %', v_cron_version, p_job_name
            USING ERRCODE = 'PF301',
                  DETAIL = SQLERRM,
                  HINT = 'A five-field cron schedule in UTC (*/15 * * * *); seconds (30 seconds) need pg_cron 1.5.';
    END;
    RETURN v_jobid;
END
$$;

COMMENT ON FUNCTION pgfresh.schedule_job(text, text, text) IS
'Creates or updates (same jobid) this role''s pg_cron job of that name in this database; returns its jobid. Invalid arguments PF301; pg_cron not installed PF302 (with how to enable it); a privilege on pg_cron missing PF601; unless pgfresh.without_cron = on: then nothing is read or scheduled and NULL returned.';

-- Called by migrations only.
REVOKE ALL ON FUNCTION pgfresh.schedule_job(text, text, text) FROM public;
