-- pgfresh.refresh_view(view, source, full): CALL it to refresh one managed view in a
-- transaction of its own (the procedure form: what pg_cron calls).
-- requires: functions/_begin_run.sql, functions/_execute_run.sql
-- It commits the 'running' job_runs row first (visible while the refresh runs), then
-- refreshes and records the outcome in a second transaction, so one view's failure or
-- lock never holds another's. A failed refresh is recorded, retried later and reported
-- as a WARNING, never raised: a loop of CALLs goes on. See job_runs for the outcome.
-- SECURITY INVOKER without SET on purpose: PostgreSQL refuses COMMIT in a SECURITY
-- DEFINER procedure or one with a SET clause. The privileged steps are the SECURITY
-- DEFINER functions it calls; every name here is schema-qualified. CALL it outside an
-- explicit transaction block (in one, use pgfresh.refresh_view_now).
CREATE PROCEDURE pgfresh.refresh_view(
    p_view_name text, p_source text DEFAULT 'manual', p_full boolean DEFAULT FALSE
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_run_id bigint;
BEGIN
    v_run_id := pgfresh._begin_run(p_view_name, p_source);
    COMMIT;
    PERFORM pgfresh._execute_run(v_run_id, p_full);
    COMMIT;
END
$$;

-- (noqa: sqlfluff parses the signature of a PROCEDURE as a function call)
COMMENT ON PROCEDURE pgfresh.refresh_view(text, text, boolean) IS  -- noqa: LT01
'CALL pgfresh.refresh_view(''mv_booking_trends'', ''manual''): refresh one managed view in its own transaction (an incremental one by its recorded changes; p_full => true: every row); the outcome is its job_runs row (failures are recorded, not raised). Unknown name: PF101, nothing run.';

-- Owner only by default (it refreshes as the owner through _begin_run/_execute_run).
REVOKE ALL ON PROCEDURE pgfresh.refresh_view(text, text, boolean) FROM public;
