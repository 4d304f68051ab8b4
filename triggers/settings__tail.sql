-- triggers settings__tail_{insert,update,delete,truncate} on pgfresh.settings: a settings
-- change (time zone, SLA hours, alert thresholds) changes what every row of the real-time
-- views should be, so their live tails recompute everything until the next refresh
-- (pgfresh.tg__record_tail_reset).
-- requires: functions/tg__record_tail_reset.sql, tables/settings.sql
CREATE TRIGGER settings__tail_insert
AFTER INSERT ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

CREATE TRIGGER settings__tail_update
AFTER UPDATE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

CREATE TRIGGER settings__tail_delete
AFTER DELETE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

CREATE TRIGGER settings__tail_truncate
AFTER TRUNCATE ON pgfresh.settings
FOR EACH STATEMENT EXECUTE FUNCTION pgfresh.tg__record_tail_reset();

COMMENT ON TRIGGER settings__tail_insert ON pgfresh.settings IS
'pgfresh: a settings change makes the live views recompute everything until their next refresh.';
COMMENT ON TRIGGER settings__tail_update ON pgfresh.settings IS
'pgfresh: a settings change makes the live views recompute everything until their next refresh.';
COMMENT ON TRIGGER settings__tail_delete ON pgfresh.settings IS
'pgfresh: a settings change makes the live views recompute everything until their next refresh.';
COMMENT ON TRIGGER settings__tail_truncate ON pgfresh.settings IS
'pgfresh: a settings change makes the live views recompute everything until their next refresh.';
