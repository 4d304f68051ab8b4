-- pgfresh.settings: the operator's overrides of pgfresh's settings, one row per key.
-- requires: functions/setting_defaults.sql
-- Defaults live in pgfresh.setting_defaults(); a key absent here takes its default.
-- Change a setting with an INSERT ... ON CONFLICT (key) DO UPDATE; no migration needed.
CREATE TABLE pgfresh.settings (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);

COMMENT ON TABLE pgfresh.settings IS
'Operator overrides of pgfresh settings (key -> value); see pgfresh.setting_defaults() for the keys, defaults and meanings.';
COMMENT ON COLUMN pgfresh.settings.value IS
'The value as text; pgfresh.setting(key) returns it and validates it when it is set.';

REVOKE ALL ON pgfresh.settings FROM public;
