-- A Supabase-like cluster for the tests: the roles and the pg_cron setup of a hosted
-- project, as listed in /work/shared/SUPABASE-NOTES.md from Supabase's own setup files
-- (supabase/postgres: init scripts, migrations 10000000000000_demote-postgres,
-- 20230201083204, 20230306081037, 20240606060239, nix/tests/expected/roles.out,
-- ansible/files/postgresql_extension_custom_scripts/pg_cron/after-create.sql).
-- Run once, by the cluster's superuser supabase_admin (initdb -U supabase_admin), in
-- database postgres, which is cron.database_name. tests/supabase_database.sql adds what
-- every database of the project has (run after this one here, and in each template).

-- The role that runs migrations and owns the application's objects: not a superuser.
CREATE ROLE postgres NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS;
ALTER DATABASE postgres OWNER TO postgres;
ALTER ROLE postgres SET search_path = "$user", public, extensions;

-- The API roles (PostgREST switches from authenticator to one of them per request).
CREATE ROLE anon NOLOGIN INHERIT;
CREATE ROLE authenticated NOLOGIN INHERIT;
CREATE ROLE service_role NOLOGIN INHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';

-- What postgres is a member of (pg_monitor brings pg_read_all_settings,
-- pg_read_all_stats and pg_stat_scan_tables); not of supabase_admin.
GRANT anon, authenticated, service_role TO postgres;
GRANT pg_monitor, pg_read_all_data, pg_signal_backend TO postgres;

-- pg_cron: created by the superuser in schema pg_catalog (its objects are in schema cron),
-- then granted to postgres: schema usage, every function, every table, but SELECT only on
-- cron.job (writes revoked in 2023) and no TRIGGER on cron.job_run_details.
DROP EXTENSION IF EXISTS pg_cron;
CREATE EXTENSION pg_cron SCHEMA pg_catalog;
GRANT USAGE ON SCHEMA cron TO postgres WITH GRANT OPTION;
GRANT ALL ON ALL FUNCTIONS IN SCHEMA cron TO postgres WITH GRANT OPTION;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cron TO postgres WITH GRANT OPTION;
GRANT ALL ON ALL TABLES IN SCHEMA cron TO postgres WITH GRANT OPTION;
REVOKE ALL ON TABLE cron.job FROM postgres;
GRANT SELECT ON TABLE cron.job TO postgres WITH GRANT OPTION;
REVOKE TRIGGER ON TABLE cron.job_run_details FROM postgres;
