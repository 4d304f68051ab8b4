"""What a generated revision calls at migration time. Small on purpose: a revision
carries its SQL as text; this only sends that text, statement by statement."""

from __future__ import annotations

import json
import logging
import os

from alembic import context, op

from pgfresh.sources import split_statements

# Alembic's version table lives in schema pgfresh (not public: Supabase exposes public
# through its API). env.py creates the schema before the first revision runs, so
# `downgrade base` leaves exactly this schema and the empty version table behind.
BOOTSTRAP_SQL = "CREATE SCHEMA IF NOT EXISTS pgfresh"


def without_cron() -> bool:
    """`alembic -x without_cron=true ...` or PGFRESH_WITHOUT_CRON=1: install everything but
    the pg_cron jobs (for a database where an outside scheduler calls the entry point)."""
    value = (
        context.config.attributes.get("without_cron")
        or context.get_x_argument(as_dictionary=True).get("without_cron")
        or os.environ.get("PGFRESH_WITHOUT_CRON", "")
    )
    return str(value).lower() in ("1", "true", "on", "yes")


def execute_sql(text: str, label: str = "revision") -> None:
    """Run ``text`` as PostgreSQL statements, verbatim (offline: print them).

    Statements go to the driver as they are (no bind-parameter parsing, so ':' and
    '%' in SQL are safe); the split comes from PostgreSQL's own scanner, so an error
    names the statement that failed.

    With ``without_cron`` the files of cron/ are not sent at all: their one statement is a
    pgfresh.schedule_job call that would schedule nothing then, and not sending it means
    no revision reads pg_cron's superuser-only settings (the landed 0001 revision's
    schedule_job read them even then), so a role without pg_read_all_settings can install.
    """
    if label.startswith("cron/") and without_cron():
        logging.getLogger("alembic.runtime.migration").info("without_cron: %s not scheduled", label)
        return
    for stmt in split_statements(label, text):
        if context.is_offline_mode():
            op.get_context().impl.static_output(stmt.rstrip().rstrip(";") + ";\n")
        else:
            # The DB-API cursor of Alembic's connection, without parameters: psycopg
            # then parses no placeholders, so '%' in format() strings is safe.
            with op.get_bind().connection.dbapi_connection.cursor() as cur:
                cur.execute(stmt)


def preflight_sql(requires: dict[str, list[str]]) -> str:
    """A DO block that fails, listing everything missing at once, unless every source
    table and column in ``requires`` exists in schema public. It changes nothing."""
    need = json.dumps(requires, indent=4, sort_keys=True).replace("'", "''")
    need = need.replace("\n", "\n    ")
    return f"""DO $preflight$
DECLARE
    v_need constant jsonb := '{need}';
    v_missing text;
BEGIN
    WITH needed AS (
        SELECT t.key AS table_name, c.column_name
        FROM pg_catalog.jsonb_each(v_need) AS t
        CROSS JOIN LATERAL pg_catalog.jsonb_array_elements_text(t.value) AS c (column_name)
    ),
    missing AS (
        SELECT DISTINCT n.table_name, NULL::text AS column_name
        FROM needed AS n
        WHERE pg_catalog.to_regclass(pg_catalog.format('public.%I', n.table_name)) IS NULL
        UNION ALL
        SELECT n.table_name, n.column_name
        FROM needed AS n
        WHERE pg_catalog.to_regclass(pg_catalog.format('public.%I', n.table_name)) IS NOT NULL
          AND NOT EXISTS (
              SELECT FROM pg_catalog.pg_attribute AS a
              WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.format('public.%I', n.table_name))
                AND a.attname = n.column_name
                AND a.attnum > 0
                AND NOT a.attisdropped
          )
    )
    SELECT pg_catalog.string_agg(
               CASE WHEN m.column_name IS NULL
                    THEN pg_catalog.format('table public.%I', m.table_name)
                    ELSE pg_catalog.format('column public.%I.%I', m.table_name, m.column_name)
               END, ', ' ORDER BY m.table_name, m.column_name NULLS FIRST)
      INTO v_missing
      FROM missing AS m;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'pgfresh preflight: missing %', v_missing
            USING ERRCODE = 'PF010',
                  DETAIL = 'The materialized views and triggers read these source objects.',
                  HINT = 'Create them (see schema/ for the expected definitions); nothing was changed.';
    END IF;
END
$preflight$"""
