-- pgfresh.tg_settings__validate(): refuses an unknown key or an invalid value in
-- pgfresh.settings, so a typo fails at the UPDATE, not at 3 a.m. in a refresh.
-- requires: functions/setting_defaults.sql, functions/setting.sql
-- A value must parse like its default: a time zone (keys ending in timezone), a local
-- time of day (the default is HH:MM), a number (the default is digits: whole for counts,
-- *_days and incident_after_failures, else a decimal >= 0) or a non-negative interval
-- (the default is an interval). Business hours must not be empty.
CREATE FUNCTION pgfresh.tg_settings__validate()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_default text;
    v_interval interval;
BEGIN
    SELECT d.default_value INTO v_default
      FROM pgfresh.setting_defaults() AS d
     WHERE d.key = NEW.key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pgfresh: unknown setting %', quote_literal(NEW.key)
            USING ERRCODE = 'PF002',
                  HINT = 'SELECT key FROM pgfresh.setting_defaults() lists the settings.';
    END IF;
    IF NEW.key LIKE '%timezone' THEN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names AS z WHERE z.name = NEW.value) THEN
            RAISE EXCEPTION 'pgfresh: % is not an IANA time zone', quote_literal(NEW.value)
                USING ERRCODE = 'PF003',
                      DETAIL = pg_catalog.format('setting %s', NEW.key),
                      HINT = 'Use a name from pg_timezone_names, such as Europe/Berlin.';
        END IF;
    ELSIF v_default ~ '^[0-9]{2}:[0-9]{2}$' THEN
        -- A local time of day of the schedules (pgfresh.schedule_slot reads it as time).
        IF NEW.value !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' THEN
            RAISE EXCEPTION 'pgfresh: setting % takes a local time of day, not %', NEW.key, quote_literal(NEW.value)
                USING ERRCODE = 'PF304',
                      DETAIL = pg_catalog.format('default: %s', v_default),
                      HINT = 'HH:MM on the 24-hour clock, such as 06:00.';
        END IF;
        IF NEW.key IN ('business_hours_start', 'business_hours_end')
           AND NEW.value = pgfresh.setting(
               CASE NEW.key WHEN 'business_hours_start' THEN 'business_hours_end' ELSE 'business_hours_start' END
           ) THEN
            RAISE EXCEPTION 'pgfresh: business hours would start and end at %', NEW.value
                USING ERRCODE = 'PF304',
                      DETAIL = pg_catalog.format('setting %s', NEW.key),
                      HINT = 'business_hours_start and business_hours_end must differ.';
        END IF;
    ELSIF v_default ~ '^[0-9]+$' AND (NEW.key LIKE '%\_days' OR NEW.key = 'incident_after_failures') THEN
        -- Counts (read as integer): whole numbers only.
        IF NEW.value !~ '^[0-9]{1,9}$' THEN
            RAISE EXCEPTION 'pgfresh: setting % takes a whole number, not %', NEW.key, quote_literal(NEW.value)
                USING ERRCODE = 'PF104',
                      DETAIL = pg_catalog.format('default: %s', v_default),
                      HINT = 'Digits only, such as 3.';
        END IF;
    ELSIF v_default ~ '^[0-9]+$' THEN
        -- Thresholds (read as numeric: hours, percentages, factors): a number >= 0.
        IF NEW.value !~ '^[0-9]{1,9}(\.[0-9]{1,6})?$' THEN
            RAISE EXCEPTION 'pgfresh: setting % takes a number of zero or more, not %', NEW.key, quote_literal(NEW.value)
                USING ERRCODE = 'PF104',
                      DETAIL = pg_catalog.format('default: %s', v_default),
                      HINT = 'Digits with an optional decimal point, such as 2.5.';
        END IF;
    ELSE
        BEGIN
            v_interval := NEW.value::interval;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            v_interval := NULL;
        END;
        IF v_interval IS NULL OR v_interval < interval '0' THEN
            RAISE EXCEPTION 'pgfresh: setting % takes an interval of zero or more, not %',
                            NEW.key, quote_literal(NEW.value)
                USING ERRCODE = 'PF104',
                      DETAIL = pg_catalog.format('default: %s', v_default),
                      HINT = 'An interval such as ''5 minutes'' or ''2 hours''.';
        END IF;
    END IF;
    NEW.updated_at := pg_catalog.now();
    NEW.updated_by := current_user::text;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION pgfresh.tg_settings__validate() IS
'BEFORE INSERT OR UPDATE trigger of pgfresh.settings: unknown key PF002, invalid time zone PF003, invalid local time of day or empty business hours PF304, a value that does not parse like its default (a number, whole for counts; an interval >= 0) PF104.';

REVOKE ALL ON FUNCTION pgfresh.tg_settings__validate() FROM public;
