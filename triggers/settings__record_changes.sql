-- triggers settings__record_{insert,update,delete,truncate} on pgfresh.settings: any
-- settings change (time zone, lookback, thresholds) may change every row of a view that
-- reads settings, so it is recorded as "everything" (pgfresh.tg__record_everything); the
-- incremental views mapped to pgfresh.settings in pgfresh.view_sources then rebuild whole.
-- requires: functions/tg__record_everything.sql, tables/settings.sql
CREATE TRIGGER settings__record_insert
AFTER INSERT ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

CREATE TRIGGER settings__record_update
AFTER UPDATE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

CREATE TRIGGER settings__record_delete
AFTER DELETE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

CREATE TRIGGER settings__record_truncate
AFTER TRUNCATE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER settings__record_insert ON pgfresh.settings IS
'pgfresh: record that every row of the views reading settings may change.';
COMMENT ON TRIGGER settings__record_update ON pgfresh.settings IS
'pgfresh: record that every row of the views reading settings may change.';
COMMENT ON TRIGGER settings__record_delete ON pgfresh.settings IS
'pgfresh: record that every row of the views reading settings may change.';
COMMENT ON TRIGGER settings__record_truncate ON pgfresh.settings IS
'pgfresh: record that every row of the views reading settings may change.';
