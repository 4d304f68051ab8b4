"""plpgsql_check over every function, procedure and trigger function pgfresh installs.

A plpgsql body is only compiled when it first runs; plpgsql_check compiles it now, with
every warning on (security warnings flag SQL built by pasting strings). Trigger
functions are checked against each table they are attached to, transition tables
included. Errors and security findings always fail; any other finding fails unless it
is listed, with a reason, in lint/plpgsql_check.accepted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pgfresh import config

ACCEPTED_FILE = Path("lint") / "plpgsql_check.accepted"
NEVER_ACCEPTED = ("error", "security")

CHECK_SQL = """
WITH funcs AS (
    SELECT p.oid, p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype AS is_trigger
    FROM pg_catalog.pg_proc AS p
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
    JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
    WHERE n.nspname = ANY(%(schemas)s) AND l.lanname = 'plpgsql'
),
targets AS (
    SELECT f.oid, 0::pg_catalog.oid AS relid, NULL::name AS oldtable, NULL::name AS newtable
    FROM funcs AS f WHERE NOT f.is_trigger
    UNION
    SELECT f.oid, t.tgrelid, t.tgoldtable, t.tgnewtable
    FROM funcs AS f JOIN pg_catalog.pg_trigger AS t ON t.tgfoid = f.oid
    WHERE f.is_trigger AND NOT t.tgisinternal
)
SELECT t.oid::pg_catalog.regprocedure::text AS function,
       CASE WHEN t.relid <> 0 THEN t.relid::pg_catalog.regclass::text END AS on_table,
       c.level, c.sqlstate, c.message, c.lineno, c.statement, c.detail, c.hint
FROM targets AS t
CROSS JOIN LATERAL public.plpgsql_check_function_tb(
    t.oid::pg_catalog.regprocedure, t.relid::pg_catalog.regclass,
    fatal_errors => false, other_warnings => true, performance_warnings => true,
    extra_warnings => true, security_warnings => true,
    oldtable => t.oldtable, newtable => t.newtable
) AS c
UNION ALL
SELECT f.oid::pg_catalog.regprocedure::text, NULL, 'error', NULL,
       'trigger function attached to no trigger: cannot be checked', NULL, NULL, NULL, NULL
FROM funcs AS f
WHERE f.is_trigger AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger AS t WHERE t.tgfoid = f.oid)
ORDER BY 1, 2, 6
"""


@dataclass(frozen=True)
class Finding:
    function: str
    on_table: str | None
    level: str
    sqlstate: str | None
    message: str
    lineno: int | None = None
    statement: str | None = None
    detail: str | None = None
    hint: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.function, self.sqlstate or "", self.message)

    def __str__(self) -> str:
        where = f" on {self.on_table}" if self.on_table else ""
        line = f" line {self.lineno}" if self.lineno else ""
        extra = "".join(f"\n    {k}: {v}" for k, v in (("detail", self.detail), ("hint", self.hint)) if v)
        return f"{self.level}: {self.function}{where}{line}: {self.message} [{self.sqlstate}]{extra}"


class LintError(RuntimeError):
    pass


def check(conn: psycopg.Connection, schemas: list[str] | None = None) -> list[Finding]:
    """Run plpgsql_check in a transaction that is rolled back: the database keeps nothing."""
    schemas = schemas or ["pgfresh", "analytics"]
    with conn.transaction(force_rollback=True):
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check SCHEMA public")
        except psycopg.errors.InsufficientPrivilege:
            # plpgsql_check is not a trusted extension: only a superuser may create it
            # (on Supabase, the migration role postgres is not one).
            raise LintError(
                f"role {conn.info.user} may not create extension plpgsql_check (only a superuser may). "
                "Run pgfresh lint as a superuser, for example against the local cluster (make lint): "
                "it checks the same SQL sources."
            ) from None
        rows = conn.execute(CHECK_SQL, {"schemas": schemas}).fetchall()
    return [Finding(*row) for row in rows]


def accepted(root: Path = config.ROOT) -> dict[tuple[str, str, str], str]:
    """(function, sqlstate, message) -> reason, from the reviewed file."""
    path = root / ACCEPTED_FILE
    if not path.exists():
        return {}
    out = {}
    with path.open() as f:
        rows = csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t")
        for function, sqlstate, message, reason in rows:
            out[(function, sqlstate, message)] = reason
    return out


def unaccepted(findings: list[Finding], root: Path = config.ROOT) -> list[Finding]:
    allowed = accepted(root)
    return [f for f in findings if f.level in NEVER_ACCEPTED or f.key not in allowed]
