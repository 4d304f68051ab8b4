-- analytics.support_sla_live: what the support dashboard reads. The rows of
-- analytics.mv_support_sla as a refresh at this instant would give them (a real-time
-- view, like TimescaleDB's real-time aggregates): the materialized days before the tail,
-- then the tail computed live (pgfresh.support_sla_tail) from the first day that a change
-- since the last refresh, or the clock, may have moved. A new ticket, an answer, a breach
-- falling due: on the next read, not at the next refresh.
-- requires: views/mv_support_sla.sql, functions/support_sla_tail_from.sql, functions/support_sla_tail.sql
-- Same columns as mv_support_sla; mv_support_sla stays for readers that want the last
-- refresh only. Measured reads: docs/latency.md.
CREATE VIEW analytics.support_sla_live AS
WITH
tail AS MATERIALIZED (
    SELECT
        b.from_day,
        b.notifications_from
    FROM pgfresh.support_sla_tail_from() AS b
),

materialized_days AS (
    SELECT m.*
    FROM analytics.mv_support_sla AS m
    CROSS JOIN tail AS t
    WHERE m.bucket_date < t.from_day
),

live_days AS (
    SELECT l.*
    FROM tail AS t
    CROSS JOIN LATERAL pgfresh.support_sla_tail(t.from_day, t.notifications_from) AS l
)

SELECT * FROM materialized_days
UNION ALL
SELECT * FROM live_days;

COMMENT ON VIEW analytics.support_sla_live IS
'analytics.mv_support_sla as of now: materialized days before the live tail, the tail (days a change since the last refresh or the clock may have moved) computed live by pgfresh.support_sla_tail. Same columns; read this on the support dashboard.';

-- The dashboards read it through the read-only role (the view reads the materialized
-- view and the engine's tables as its owner; the role needs EXECUTE on the two functions).
GRANT SELECT ON analytics.support_sla_live TO dashboard_reader;
