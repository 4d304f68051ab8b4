-- trigger refresh_policies__validate on pgfresh.refresh_policies: validates every policy
-- as it is written (an operator's UPDATE of a cadence included).
CREATE TRIGGER refresh_policies__validate
BEFORE INSERT OR UPDATE ON pgfresh.refresh_policies
FOR EACH ROW EXECUTE FUNCTION pgfresh.tg_refresh_policies__validate();
