-- pgfresh.unschedule_job(name): removes the pg_cron job of that name in this database, the
-- derived undo of a cron/ file. Never touches another job: other names, and jobs of the
-- same name that run in another database, stay in cron.job.
-- A job that is not there (or no pg_cron at all: a without_cron install) is a NOTICE.
CREATE FUNCTION pgfresh.unschedule_job(p_job_name text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_jobids bigint[];
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
    SELECT array_agg(j.jobid ORDER BY j.jobid) INTO v_jobids
    FROM cron.job AS j
    WHERE j.jobname = p_job_name AND j.database = current_database();
    IF v_jobids IS NULL THEN
        RAISE NOTICE 'pgfresh: no pg_cron job % in database %: nothing to remove', p_job_name, current_database();
        RETURN FALSE;
    END IF;
    FOR v_i IN 1..cardinality(v_jobids) LOOP
        PERFORM cron.unschedule(v_jobids[v_i]);
    END LOOP;
    RETURN TRUE;
END
$$;

COMMENT ON FUNCTION pgfresh.unschedule_job(text) IS
'Removes the pg_cron job of that name in this database (and nothing else); false, with a NOTICE, when there is none.';

-- Called by migrations only.
REVOKE ALL ON FUNCTION pgfresh.unschedule_job(text) FROM public;
