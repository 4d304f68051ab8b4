-- trigger settings__validate on pgfresh.settings: validates every override as it is written.
CREATE TRIGGER settings__validate
BEFORE INSERT OR UPDATE ON pgfresh.settings
FOR EACH ROW EXECUTE FUNCTION pgfresh.tg_settings__validate();
