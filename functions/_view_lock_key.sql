-- pgfresh._view_lock_key(view): the advisory-lock key that lets one refresh of a view run
-- at a time. The only place that derives it.
-- requires: functions/_managed_relations.sql
-- Why this key: the high 32 bits are a constant tag, 0x70676672 ('pgfr'), so pgfresh's
-- keys never meet another application's small-integer advisory locks; the low 32 bits are
-- the view's OID, unique among the database's relations (advisory locks are per
-- database), so two views can never share a key, as two 32-bit hashes of names could.
-- Why transaction-level (pg_try_advisory_xact_lock): the lock must cover exactly the
-- refresh's uncommitted work. It goes away with COMMIT or ROLLBACK however the
-- transaction ends (error, cancel, killed backend), so it can never be leaked into a
-- pooled session; and in the function form (pgfresh.refresh_view_now) it is held until
-- the caller commits, which is when the refreshed rows become visible: a second refresh
-- taking a session lock released earlier would only block on the view's own lock.
CREATE FUNCTION pgfresh._view_lock_key(p_view_name text)
RETURNS bigint
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_oid oid;
BEGIN
    SELECT r.relid INTO v_oid
      FROM pgfresh._managed_relations() AS r
     WHERE r.view_name = p_view_name;
    IF v_oid IS NULL THEN
        RAISE EXCEPTION 'pgfresh: % is not a managed view', coalesce(quote_literal(p_view_name), 'NULL')
            USING ERRCODE = 'PF101',
                  HINT = 'SELECT view_name FROM pgfresh.managed_views() lists them.';
    END IF;
    RETURN (x'70676672'::bigint << 32) | v_oid::bigint;
END
$$;

COMMENT ON FUNCTION pgfresh._view_lock_key(text) IS
'Advisory-lock key of a managed view: 0x70676672 (''pgfr'') << 32 | the view''s OID; taken with pg_try_advisory_xact_lock. PF101 if no such view.';

REVOKE ALL ON FUNCTION pgfresh._view_lock_key(text) FROM public;
