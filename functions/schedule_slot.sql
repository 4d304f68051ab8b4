-- pgfresh.schedule_slot(at, time zone, cadence, ...): the start of the slot that contains
-- the instant at, for one cadence read in local time; a pure function of its arguments.
-- requires: functions/_utc_offset_change.sql
-- A view is due when no refresh of it started in its current slot (pgfresh.due_views).
-- Slots, in the local time of p_timezone:
--   every: a slot starts whenever the wall clock reads a multiple of the slot length
--     since local midnight (p_business_hours_every inside business hours, p_every
--     outside), at each business-hours boundary, and at each UTC-offset change. On the
--     night the clocks fall back the repeated hour gets its own slots (25 hourly slots
--     that day, 23 on the spring-forward day): freshness is kept in real time.
--   nightly: one slot per local date, starting at the first instant the wall clock reads
--     p_nightly_at or later: when the clocks spring forward over 02:00 it starts at the
--     jump (03:00), when they fall back over it, at the first 02:00 only.
-- Whatever the tick rate of the caller, one refresh per slot: a missed slot gives one
-- catch-up refresh (for the current slot), never a burst.
-- No SET search_path (it would cost a third of each call, 8 calls a tick): every name in
-- it is a pg_catalog built-in or schema-qualified, and it is not SECURITY DEFINER.
CREATE FUNCTION pgfresh.schedule_slot(
    p_at timestamptz,
    p_timezone text,
    p_cadence text,
    p_every interval,
    p_business_hours_every interval,
    p_business_hours_start time,
    p_business_hours_end time,
    p_nightly_at time
)
RETURNS TABLE (slot_start timestamptz, business_hours boolean)
LANGUAGE plpgsql
IMMUTABLE
PARALLEL SAFE
ROWS 1
AS $$
DECLARE
    v_wall constant timestamp := p_at AT TIME ZONE p_timezone;
    -- UTC offset at p_at: local = UTC + offset.
    v_offset constant interval := v_wall - (p_at AT TIME ZONE 'UTC');
    v_day constant timestamp := date_trunc('day', v_wall);
    v_time constant time := v_wall::time;
    -- The DST change, if any, that falls in the span the answer depends on; looked for
    -- (by bisection) only when the offset at the start of that span differs from v_offset.
    v_change timestamptz;
    v_offset_before interval;
    v_every_secs numeric;
    v_mark timestamp;
    v_first timestamptz;
    v_early timestamptz;
    v_late timestamptz;
    v_boundary timestamp;
BEGIN
    IF p_cadence = 'nightly' THEN
        business_hours := FALSE;
        -- The latest nightly mark reached, if the offset had not changed.
        v_mark := v_day + p_nightly_at - CASE WHEN v_time < p_nightly_at THEN INTERVAL '1 day' ELSE INTERVAL '0' END;
        slot_start := (v_mark AT TIME ZONE 'UTC') - v_offset;
        -- A change from 3 hours before that instant (a fall-back repeats at most 2 hours)
        -- to p_at may have skipped the mark or shown it twice: then read it across the change.
        v_change := pgfresh._utc_offset_change(p_at, p_timezone, p_at - slot_start + INTERVAL '3 hours');
        IF v_change IS NULL THEN
            RETURN NEXT;
            RETURN;
        END IF;
        v_offset_before := ((v_change - INTERVAL '1 second') AT TIME ZONE p_timezone)
                           - ((v_change - INTERVAL '1 second') AT TIME ZONE 'UTC');
        -- The latest local date whose nightly mark has been reached by p_at.
        FOR v_days_back IN 0..2 LOOP
            v_mark := v_day - make_interval(days => v_days_back) + p_nightly_at;
            -- The wall clock reads v_mark at v_early under the old offset (if that is
            -- before the change) and at v_late under the new one (if after it); if
            -- neither, the jump forward skipped v_mark and the change is the first
            -- instant past it.
            v_early := (v_mark AT TIME ZONE 'UTC') - v_offset_before;
            v_late := (v_mark AT TIME ZONE 'UTC') - v_offset;
            v_first := CASE
                WHEN v_early < v_change THEN v_early
                WHEN v_late >= v_change THEN v_late
                ELSE v_change
            END;
            IF v_first <= p_at THEN
                slot_start := v_first;
                RETURN NEXT;
                RETURN;
            END IF;
        END LOOP;
        RAISE EXCEPTION 'pgfresh: no nightly slot found for % in %', p_at, p_timezone
            USING ERRCODE = 'PF303';
    ELSIF p_cadence IS DISTINCT FROM 'every' THEN
        RAISE EXCEPTION 'pgfresh: unknown cadence %', quote_literal(p_cadence)
            USING ERRCODE = 'PF303', HINT = 'A cadence is every or nightly.';
    END IF;

    business_hours := p_business_hours_every IS NOT NULL AND CASE
        WHEN p_business_hours_start < p_business_hours_end
            THEN v_time >= p_business_hours_start AND v_time < p_business_hours_end
        ELSE v_time >= p_business_hours_start OR v_time < p_business_hours_end
    END;
    v_every_secs := extract(EPOCH FROM CASE WHEN business_hours THEN p_business_hours_every ELSE p_every END);
    IF v_every_secs IS NULL OR v_every_secs < 60 OR 86400 % v_every_secs <> 0 THEN
        RAISE EXCEPTION 'pgfresh: % is not a slot length', make_interval(secs => v_every_secs)
            USING ERRCODE = 'PF303';
    END IF;
    -- The latest grid mark of the wall clock, as an instant under the current offset. If
    -- the wall clock read it only before a DST change, that instant falls before the
    -- change, and the change (taken below) is the later slot start.
    v_mark := v_day + make_interval(
        secs => floor(extract(EPOCH FROM v_wall - v_day) / v_every_secs) * v_every_secs
    );
    slot_start := (v_mark AT TIME ZONE 'UTC') - v_offset;
    IF p_business_hours_every IS NOT NULL THEN
        -- The latest business-hours boundary the wall clock has passed begins a slot too.
        v_boundary := greatest(
            CASE WHEN v_time >= p_business_hours_start THEN v_day + p_business_hours_start END,
            CASE WHEN v_time >= p_business_hours_end THEN v_day + p_business_hours_end END,
            v_day - INTERVAL '1 day' + p_business_hours_start,
            v_day - INTERVAL '1 day' + p_business_hours_end
        );
        slot_start := greatest(slot_start, (v_boundary AT TIME ZONE 'UTC') - v_offset);
    END IF;
    -- A DST change inside the slot so far begins a new slot (the repeated hour of a
    -- fall-back gets its own; a jump forward starts one).
    v_change := pgfresh._utc_offset_change(p_at, p_timezone, p_at - slot_start + INTERVAL '1 second');
    IF v_change IS NOT NULL THEN
        slot_start := greatest(slot_start, v_change);
    END IF;
    RETURN NEXT;
END
$$;

COMMENT ON FUNCTION pgfresh.schedule_slot(timestamptz, text, text, interval, interval, time, time, time) IS
'Start of the slot containing at for a cadence read in local time (every: grid marks, business-hours boundaries, DST changes; nightly: first instant of the local date at or past nightly_at), and whether at is in business hours. Pure.';

REVOKE ALL ON FUNCTION pgfresh.schedule_slot(timestamptz, text, text, interval, interval, time, time, time) FROM public;
