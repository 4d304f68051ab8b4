-- triggers settings__record_{insert,update,delete,truncate} on pgfresh.settings: a settings
-- change may move every row of a view that reads that setting, so it is recorded as
-- "everything" with the key (pgfresh.tg_settings__record_changes; a TRUNCATE, every key,
-- pgfresh.tg__record_everything); an incremental view mapped to pgfresh.settings in
-- pgfresh.view_sources, for that key, then rebuilds whole.
-- requires: functions/tg_settings__record_changes.sql, functions/tg__record_everything.sql, tables/settings.sql
CREATE TRIGGER settings__record_insert
AFTER INSERT ON pgfresh.settings
FOR EACH ROW EXECUTE FUNCTION pgfresh.tg_settings__record_changes();

CREATE TRIGGER settings__record_update
AFTER UPDATE ON pgfresh.settings
FOR EACH ROW EXECUTE FUNCTION pgfresh.tg_settings__record_changes();

CREATE TRIGGER settings__record_delete
AFTER DELETE ON pgfresh.settings
FOR EACH ROW EXECUTE FUNCTION pgfresh.tg_settings__record_changes();

CREATE TRIGGER settings__record_truncate
AFTER TRUNCATE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_everything();

COMMENT ON TRIGGER settings__record_insert ON pgfresh.settings IS
'pgfresh: record that every row of the views reading this setting may change.';
COMMENT ON TRIGGER settings__record_update ON pgfresh.settings IS
'pgfresh: record that every row of the views reading this setting may change.';
COMMENT ON TRIGGER settings__record_delete ON pgfresh.settings IS
'pgfresh: record that every row of the views reading this setting may change.';
COMMENT ON TRIGGER settings__record_truncate ON pgfresh.settings IS
'pgfresh: record that every row of the views reading settings may change.';
