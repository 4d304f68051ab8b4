-- pgfresh.setting_defaults(): every setting pgfresh reads, with its default and meaning.
-- The README's settings table is checked against this function by the tests.
-- A value must parse like its default: an integer default takes integers, an interval
-- default takes intervals, an HH:MM default a local time of day
-- (pgfresh.tg_settings__validate checks it as it is written).
CREATE FUNCTION pgfresh.setting_defaults()
RETURNS TABLE (key text, default_value text, description text)
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    VALUES
        ('business_timezone', 'America/New_York',
         'IANA time zone of the business: days are bucketed and business hours read in it.'),
        ('business_hours_start', '06:00',
         'Local time (HH:MM, business_timezone) at which business hours begin: from then a policy''s business_hours_every applies.'),
        ('business_hours_end', '22:00',
         'Local time (HH:MM) at which business hours end; earlier than business_hours_start means they run past midnight.'),
        ('nightly_at', '02:00',
         'Local time (HH:MM) of the nightly cadence: once per local day, at the first instant the clock reads it or later.'),
        ('incident_after_failures', '3',
         'An incident opens when a view has failed more than this many times in a row.'),
        ('retry_backoff_base', '1 minute',
         'Wait before retrying a failed view after its first failure; doubles with each failure in a row.'),
        ('retry_backoff_max', '1 hour',
         'Longest wait between retries of a failing view (the cap of the doubling backoff).'),
        ('job_runs_retention', '30 days',
         'pgfresh.purge_history() deletes job_runs, cron.job_run_details and orphaned queue rows older than this.')
$$;

COMMENT ON FUNCTION pgfresh.setting_defaults() IS
'The settings pgfresh knows: key, default value (text) and what it means. Override one in pgfresh.settings.';

-- Engine-internal like every pgfresh function; nobody else needs the list.
REVOKE ALL ON FUNCTION pgfresh.setting_defaults() FROM public;
