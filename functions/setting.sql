-- pgfresh.setting(key): the value in force for one setting (override, else default).
-- requires: tables/settings.sql, functions/setting_defaults.sql
CREATE FUNCTION pgfresh.setting(p_key text)
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pgfresh
AS $$
DECLARE
    v_value text;
BEGIN
    SELECT coalesce(s.value, d.default_value)
      INTO v_value
      FROM pgfresh.setting_defaults() AS d
      LEFT JOIN pgfresh.settings AS s ON s.key = d.key
     WHERE d.key = p_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'pgfresh: unknown setting %', quote_literal(p_key)
            USING ERRCODE = 'PF002',
                  HINT = 'SELECT key FROM pgfresh.setting_defaults() lists the settings.';
    END IF;
    RETURN v_value;
END
$$;

COMMENT ON FUNCTION pgfresh.setting(text) IS
'The value in force for a setting: the override in pgfresh.settings, else its default. Unknown key: SQLSTATE PF002.';

-- Views call it while they refresh; readers of the views never need it.
REVOKE ALL ON FUNCTION pgfresh.setting(text) FROM public;
