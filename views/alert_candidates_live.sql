-- analytics.alert_candidates_live: what the alerting job and the admin alert list read.
-- The rows of analytics.mv_alert_candidates as a refresh at this instant would give them
-- (a real-time view): the materialized low_utilization rows of the machines untouched
-- since the last refresh, then the live tail (pgfresh.alert_candidates_tail): every SLA
-- breach and overdue insurance document as of now, and low_utilization of the machines
-- that changed (all of them once the local day has moved on). A breach or an overdue
-- document shows on the next read.
-- requires: views/mv_alert_candidates.sql, functions/alert_candidates_tail_scope.sql
-- requires: functions/alert_candidates_tail.sql
-- Same columns as mv_alert_candidates, which stays for readers that want the last
-- refresh only. Measured reads: docs/latency.md.
CREATE VIEW analytics.alert_candidates_live AS
WITH
tail AS MATERIALIZED (
    SELECT
        s.all_machines,
        s.machines
    FROM pgfresh.alert_candidates_tail_scope() AS s
),

materialized_rows AS (
    SELECT m.*
    FROM analytics.mv_alert_candidates AS m
    CROSS JOIN tail AS t
    WHERE m.alert_type = 'low_utilization' AND NOT t.all_machines AND NOT t.machines @> ARRAY[m.entity_id]
),

live_rows AS (
    SELECT l.*
    FROM tail AS t
    CROSS JOIN LATERAL pgfresh.alert_candidates_tail(t.all_machines, t.machines) AS l
)

SELECT * FROM materialized_rows
UNION ALL
SELECT * FROM live_rows;

COMMENT ON VIEW analytics.alert_candidates_live IS
'analytics.mv_alert_candidates as of now: materialized low_utilization rows of machines unchanged since the last refresh, plus the live tail (pgfresh.alert_candidates_tail: all sla_breach and overdue_insurance rows, low_utilization of changed machines). Same columns; read this for alerts.';

-- The dashboards read it through the read-only role (the view reads the materialized
-- view and the engine's tables as its owner; the role needs EXECUTE on the two functions).
GRANT SELECT ON analytics.alert_candidates_live TO dashboard_reader;
