-- pgfresh._utc_offset_change(at, time zone, window): the latest instant in (at - window, at]
-- at which the zone's UTC offset changed (a DST change), or NULL when the offset at
-- at - window is the offset at at. Found by bisection to the second (18 steps for 3 days),
-- only on the days after a change; assumes at most one change in the window, true of the
-- tz database since DST changes are months apart.
CREATE FUNCTION pgfresh._utc_offset_change(p_at timestamptz, p_timezone text, p_window interval)
RETURNS timestamptz
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
AS $$
DECLARE
    v_offset constant interval := (p_at AT TIME ZONE p_timezone) - (p_at AT TIME ZONE 'UTC');
    v_low timestamptz := p_at - p_window;
    v_high timestamptz := p_at;
    v_mid timestamptz;
BEGIN
    IF (v_low AT TIME ZONE p_timezone) - (v_low AT TIME ZONE 'UTC') = v_offset THEN
        RETURN NULL;
    END IF;
    -- Invariant: the offset at v_low differs from v_offset, the offset at v_high is v_offset.
    WHILE v_high - v_low > INTERVAL '1 second' LOOP
        v_mid := v_low + (v_high - v_low) / 2;
        IF (v_mid AT TIME ZONE p_timezone) - (v_mid AT TIME ZONE 'UTC') = v_offset THEN
            v_high := v_mid;
        ELSE
            v_low := v_mid;
        END IF;
    END LOOP;
    -- The tz database changes offsets on whole seconds: the change is v_high's second.
    RETURN date_trunc('second', v_high);
END
$$;

COMMENT ON FUNCTION pgfresh._utc_offset_change(timestamptz, text, interval) IS
'Latest UTC-offset change (DST change) of the time zone in (at - window, at], NULL if none; assumes at most one in the window.';

REVOKE ALL ON FUNCTION pgfresh._utc_offset_change(timestamptz, text, interval) FROM public;
