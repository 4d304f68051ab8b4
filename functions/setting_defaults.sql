-- pgfresh.setting_defaults(): every setting pgfresh reads, with its default and meaning.
-- The README's settings table is checked against this function by the tests.
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
         'Local time (HH:MM) of the nightly cadence: once per local day, at the first instant the clock reads it or later.')
$$;

COMMENT ON FUNCTION pgfresh.setting_defaults() IS
'The settings pgfresh knows: key, default value (text) and what it means. Override one in pgfresh.settings.';
