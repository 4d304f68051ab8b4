-- pgfresh.tg_refresh_policies__validate(): refuses an invalid cadence in
-- pgfresh.refresh_policies, so an operator's UPDATE fails at once (SQLSTATE PF303)
-- rather than the schedules at 3 a.m.
-- requires: tables/refresh_policies.sql
CREATE FUNCTION pgfresh.tg_refresh_policies__validate()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_problem text;
    v_slot_hint constant text :=
        'A slot is whole minutes from 1 minute to 1 day that divide a day: 5 minutes, 15 minutes, 1 hour, 6 hours.';
BEGIN
    v_problem := CASE
        WHEN NEW.view_name IS NULL OR NEW.view_name !~ '^[a-z_][a-z0-9_]*$'
            THEN pg_catalog.format('view_name %L is not the name of a view of schema analytics '
                                   '(lower case, without the schema)', NEW.view_name)
        WHEN NEW.cadence IS NULL OR NEW.cadence NOT IN ('every', 'nightly')
            THEN pg_catalog.format('cadence %L is neither every nor nightly', NEW.cadence)
        WHEN NEW.cron_job IS NULL OR NEW.cron_job !~ '^[a-z][a-z0-9_]{0,62}$'
            THEN pg_catalog.format('cron_job %L is not a job name', NEW.cron_job)
        WHEN NEW.cadence = 'nightly'
             AND (NEW.refresh_every IS NOT NULL OR NEW.business_hours_every IS NOT NULL
                  OR NEW.business_hours_cron_job IS NOT NULL)
            THEN 'a nightly cadence takes no refresh_every, business_hours_every or business_hours_cron_job '
                 '(its time is setting nightly_at)'
        WHEN NEW.cadence = 'every' AND NOT pgfresh._is_slot_length(NEW.refresh_every)
            THEN pg_catalog.format('refresh_every %L is not a slot length', NEW.refresh_every)
        WHEN NEW.business_hours_every IS NOT NULL AND NOT pgfresh._is_slot_length(NEW.business_hours_every)
            THEN pg_catalog.format('business_hours_every %L is not a slot length', NEW.business_hours_every)
        WHEN (NEW.business_hours_every IS NULL) <> (NEW.business_hours_cron_job IS NULL)
            THEN 'business_hours_every and business_hours_cron_job are set together or not at all'
        WHEN NEW.business_hours_cron_job !~ '^[a-z][a-z0-9_]{0,62}$'
            THEN pg_catalog.format('business_hours_cron_job %L is not a job name', NEW.business_hours_cron_job)
        WHEN NEW.paused IS NULL
            THEN 'paused is true or false'
    END;
    IF v_problem IS NOT NULL THEN
        RAISE EXCEPTION 'pgfresh: invalid refresh policy for %: %', coalesce(NEW.view_name, 'NULL'), v_problem
            USING ERRCODE = 'PF303',
                  DETAIL = pg_catalog.format(
                      'cadence %L, refresh_every %L, business_hours_every %L, cron_job %L, business_hours_cron_job %L',
                      NEW.cadence, NEW.refresh_every, NEW.business_hours_every, NEW.cron_job,
                      NEW.business_hours_cron_job),
                  HINT = v_slot_hint;
    END IF;
    NEW.updated_at := pg_catalog.now();
    NEW.updated_by := current_user::text;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_refresh_policies__validate() IS
'BEFORE INSERT OR UPDATE trigger of pgfresh.refresh_policies: an invalid cadence, slot length or job name is refused with SQLSTATE PF303.';

REVOKE ALL ON FUNCTION pgfresh.tg_refresh_policies__validate() FROM public;
