-- pgfresh._cron_schedule(schedule, pg_cron version): the schedule to give pg_cron. A
-- seconds schedule ('30 seconds') needs pg_cron 1.5 or later (Supabase Cron runs 1.6);
-- older versions (Debian's 1.4) reject it, so it becomes every minute ('* * * * *').
CREATE FUNCTION pgfresh._cron_schedule(p_schedule text, p_cron_version text)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_schedule ~* '^\s*[0-9]+\s+seconds?\s*$'
             AND coalesce(
                 (regexp_match(p_cron_version, '^([0-9]+)\.([0-9]+)'))::int [] < ARRAY[1, 5],
                 TRUE
             )
            THEN '* * * * *'
        ELSE p_schedule
    END
$$;

COMMENT ON FUNCTION pgfresh._cron_schedule(text, text) IS
'The schedule as pg_cron of that version (pg_extension.extversion) accepts it: a seconds schedule becomes * * * * * before pg_cron 1.5.';

REVOKE ALL ON FUNCTION pgfresh._cron_schedule(text, text) FROM public;
