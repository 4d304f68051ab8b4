-- pgfresh._is_slot_length(interval): whether an interval can be a schedule slot: whole
-- minutes, from 1 minute to 1 day, dividing a day (so the slots of every day start at the
-- same local times: 00:00, 00:15, ...).
CREATE FUNCTION pgfresh._is_slot_length(p_length interval)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT coalesce(
        extract(EPOCH FROM p_length) BETWEEN 60 AND 86400
        AND extract(EPOCH FROM p_length) % 60 = 0
        AND 86400 % extract(EPOCH FROM p_length) = 0,
        FALSE
    )
$$;

COMMENT ON FUNCTION pgfresh._is_slot_length(interval) IS
'true when the interval is whole minutes, from 1 minute to 1 day, and divides a day; NULL gives false.';

REVOKE ALL ON FUNCTION pgfresh._is_slot_length(interval) FROM public;
