"""What a generated revision calls at migration time. Small on purpose: a revision
carries its SQL as text; this only sends that text, statement by statement."""

from __future__ import annotations

import json
import logging
import os
import time

import psycopg
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
    offline = context.is_offline_mode()
    if offline:
        op.get_context().impl.static_output(f"-- pgfresh step: {label}\n")
    for stmt in split_statements(label, text):
        if offline:
            op.get_context().impl.static_output(stmt.rstrip().rstrip(";") + ";\n")
        else:
            # The DB-API cursor of Alembic's connection, without parameters: psycopg
            # then parses no placeholders, so '%' in format() strings is safe.
            with op.get_bind().connection.dbapi_connection.cursor() as cur:
                cur.execute(stmt)


# Bounded lock waits. env.py sets lock_timeout for the whole migration transaction (so
# every statement waits at most that long for a lock: alembic -x lock_timeout=500ms,
# PGFRESH_LOCK_TIMEOUT) and pgfresh.lock_attempts (-x lock_attempts=8,
# PGFRESH_LOCK_ATTEMPTS): how many times execute_locked tries a step. The default stays
# below PostgreSQL's deadlock_timeout (1 s): when a dashboard query and a swap lock the
# same views in opposite orders, the swap's wait ends first and it gives way, instead of
# PostgreSQL cancelling the dashboard's query as the deadlock victim.
LOCK_TIMEOUT = "500ms"
LOCK_ATTEMPTS = 8
BACKOFF_SECONDS = (0.5, 1, 2, 4)

BLOCKERS_SQL = """
SELECT pg_catalog.string_agg(pg_catalog.format(
           'pid %%s (application_name %%L, %%s, %%s for %%s) holds %%s on %%s, running: %%s',
           a.pid, a.application_name, a.usename, a.state,
           pg_catalog.date_trunc('second', pg_catalog.clock_timestamp() - a.xact_start),
           l.mode, l.relation::pg_catalog.regclass,
           pg_catalog.left(pg_catalog.regexp_replace(a.query, '\\s+', ' ', 'g'), 200)),
       '; ' ORDER BY a.pid, l.mode)
FROM pg_catalog.pg_locks AS l
JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_catalog.pg_backend_pid()
  AND l.relation IN (SELECT pg_catalog.to_regclass(r) FROM pg_catalog.unnest(%s::text[]) AS r)
"""

RAISE_LOCKED_SQL = """DO $locked$
BEGIN
    RAISE EXCEPTION 'pgfresh: could not lock % for step %',
                    current_setting('pgfresh.locked_relations'), current_setting('pgfresh.locked_step')
        USING ERRCODE = 'PF501',
              DETAIL = current_setting('pgfresh.locked_detail'),
              HINT = 'Nothing was changed. Retry when the sessions named are done, or raise '
                     'alembic -x lock_timeout=... / lock_attempts=...';
END
$locked$"""


def execute_locked(text: str, label: str, relations: list[str]) -> None:
    """Run ``text``, whose statements lock ``relations`` against their readers or
    writers, as one step: in a savepoint, each lock wait bounded by lock_timeout. When a
    lock cannot be had (or a deadlock with a reader kills the step), roll the step back,
    wait (0.5, 1, 2, 4 s) and try again, at most pgfresh.lock_attempts times; then fail
    with SQLSTATE PF501, DETAIL naming the sessions that hold locks on ``relations``.
    Offline, the statements are printed (the script's SET lock_timeout bounds them; a
    plain SQL script has no retry)."""
    if context.is_offline_mode():
        execute_sql(text, f"{label} (locks {', '.join(relations)})")
        return
    statements = split_statements(label, text)
    with op.get_bind().connection.dbapi_connection.cursor() as cur:
        attempts = int(cur.execute(
            "SELECT coalesce(current_setting('pgfresh.lock_attempts', TRUE), '')").fetchone()[0]
            or LOCK_ATTEMPTS)
        detail = ""
        for attempt in range(1, attempts + 1):
            cur.execute("SAVEPOINT pgfresh_locked")
            try:
                for stmt in statements:
                    cur.execute(stmt)
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                # A deadlock: a reader locked these relations in another order; give way.
                cur.execute("ROLLBACK TO SAVEPOINT pgfresh_locked")
                detail = cur.execute(BLOCKERS_SQL, (relations,)).fetchone()[0] or "no session holds them now"
                if attempt < attempts:
                    time.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1])
                continue
            cur.execute("RELEASE SAVEPOINT pgfresh_locked")
            return
        timeout = cur.execute("SELECT current_setting('lock_timeout')").fetchone()[0]
        cur.execute(
            "SELECT set_config('pgfresh.locked_relations', %s, TRUE), "
            "set_config('pgfresh.locked_step', %s, TRUE), set_config('pgfresh.locked_detail', %s, TRUE)",
            (", ".join(relations), label,
             f"{attempts} attempts, each waiting at most lock_timeout = {timeout}: {detail}"),
        )
        cur.execute(RAISE_LOCKED_SQL)


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
