-- schema analytics: the eight materialized views the admin dashboards read.
-- Not public: Supabase exposes public through its API, and a materialized view has no
-- row level security. Only the roles granted in views/ may read it.
-- requires: setup/dashboard_reader.sql
CREATE SCHEMA analytics;

COMMENT ON SCHEMA analytics IS
'pgfresh: materialized views behind the admin dashboards, analytics charts and alerts.';

-- Nobody may create objects here but the owner (the migration role).
REVOKE ALL ON SCHEMA analytics FROM public;

-- The read-only role may look up the views here; each view grants SELECT itself.
GRANT USAGE ON SCHEMA analytics TO dashboard_reader;
