-- pgfresh.unschedule_job(name): removes this role's pg_cron job of that name in this
-- database, the derived undo of a cron/ file. Never touches another job: other names, and
-- jobs of the same name of other roles or that run in another database, stay in cron.job.
-- requires: functions/_require_cron_privileges.sql
-- A job that is not there, or no pg_cron at all, is a NOTICE. With pgfresh.without_cron
-- 'on' it touches nothing of pg_cron either (a NOTICE). A role that may not remove jobs
-- is stopped with PF601 before any job is touched.
CREATE FUNCTION pgfresh.unschedule_job(p_job_name text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_jobids bigint[];
    -- pg_cron creates its objects in schema cron whatever the extension's schema is.
    v_cron_schema constant text := 'cron';
BEGIN
    IF p_job_name IS NULL THEN
        RAISE EXCEPTION 'pgfresh: unschedule_job needs a job name'
            USING ERRCODE = 'PF301';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension AS e WHERE e.extname = 'pg_cron') THEN
        RAISE NOTICE 'pgfresh: pg_cron is not installed in database %: no job % to remove',
            current_database(), p_job_name;
        RETURN FALSE;
    END IF;
    IF current_setting('pgfresh.without_cron', TRUE) = 'on' THEN
        RAISE NOTICE 'pgfresh: without_cron is on: job % not looked for', p_job_name;
        RETURN FALSE;
    END IF;
    PERFORM pgfresh._require_cron_privileges(FALSE);
    -- Through EXECUTE: schema cron exists only where pg_cron is installed.
    EXECUTE pg_catalog.format(
        'SELECT array_agg(j.jobid ORDER BY j.jobid) FROM %I.job AS j '
        'WHERE j.jobname = $1 AND j.username = CURRENT_USER AND j.database = pg_catalog.current_database()',
        v_cron_schema
    ) INTO v_jobids USING p_job_name;
    IF v_jobids IS NULL THEN
        RAISE NOTICE 'pgfresh: no pg_cron job % in database %: nothing to remove', p_job_name, current_database();
        RETURN FALSE;
    END IF;
    FOR v_i IN 1..cardinality(v_jobids) LOOP
        EXECUTE pg_catalog.format('SELECT %I.unschedule($1)', v_cron_schema) USING v_jobids[v_i];
    END LOOP;
    RETURN TRUE;
END
$$;

COMMENT ON FUNCTION pgfresh.unschedule_job(text) IS
'Removes this role''s pg_cron job of that name in this database (and nothing else); false, with a NOTICE, when there is none or pgfresh.without_cron = on. A privilege on pg_cron missing: PF601.';

-- Called by migrations only.
REVOKE ALL ON FUNCTION pgfresh.unschedule_job(text) FROM public;
