"""SQL-first, immutable Alembic revisions.

Each generated revision carries the text of the source files it installs (``NEW``) and
the text it restores on downgrade (``OLD``). Replaying ``NEW`` from base to head gives
what head installs, so neither ``pgfresh check`` nor ``pgfresh revision`` ever looks at
the working tree of an older revision, and editing ``views/`` never changes what an
existing revision does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import sql

from pgfresh import config
from pgfresh.migration import BOOTSTRAP_SQL, preflight_sql
from pgfresh.sources import (
    SCHEMA_DIR,
    Source,
    SourceError,
    hard_dependents,
    parse_all,
    read_tree,
    topo_order,
)


def alembic_config(root: Path = config.ROOT, url: str | None = None) -> Config:
    cfg = Config(str(root / "alembic.ini"))
    cfg.set_main_option("script_location", str(root / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", config.sqlalchemy_url(url))
    return cfg


def head_state(root: Path = config.ROOT) -> tuple[dict[str, str], str | None, int]:
    """(path -> text installed by head, head revision id, number of revisions)."""
    script = ScriptDirectory.from_config(alembic_config(root))
    heads = script.get_heads()
    if len(heads) > 1:
        raise SourceError(f"several heads ({', '.join(heads)}): merge them first")
    chain = list(reversed(list(script.walk_revisions("base", "heads"))))
    state: dict[str, str] = {}
    for rev in chain:
        for path, text in getattr(rev.module, "NEW", {}).items():
            state[path] = text
        for path in getattr(rev.module, "REMOVED", ()):
            state.pop(path, None)
    return state, (heads[0] if heads else None), len(chain)


# -- what changed -------------------------------------------------------------------------


@dataclass
class Plan:
    old: dict[str, Source]
    new: dict[str, Source]
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    recreated: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed)

    @property
    def drop_paths(self) -> list[str]:
        """Files whose old objects the upgrade drops, dependents first."""
        paths = set(self.changed) | set(self.removed) | set(self.recreated)
        return list(reversed(topo_order(self.old, paths)))

    @property
    def create_paths(self) -> list[str]:
        """Files whose new text the upgrade runs, dependencies first."""
        paths = set(self.changed) | set(self.added) | set(self.recreated)
        return topo_order(self.new, paths)

    @property
    def downgrade_drop_paths(self) -> list[str]:
        return list(reversed(self.create_paths))

    @property
    def downgrade_create_paths(self) -> list[str]:
        return list(reversed(self.drop_paths))


def make_plan(old_texts: dict[str, str], new_texts: dict[str, str]) -> Plan:
    old, new = parse_all(old_texts), parse_all(new_texts)
    plan = Plan(old=old, new=new)
    plan.added = sorted(set(new) - set(old))
    plan.removed = sorted(set(old) - set(new))
    plan.changed = sorted(p for p in set(old) & set(new) if old[p].canonical != new[p].canonical)
    roots = set(plan.changed) | set(plan.removed)
    dependents = hard_dependents(old, roots) | hard_dependents(new, set(plan.changed))
    plan.recreated = sorted((dependents & set(old) & set(new)) - roots)
    for p in plan.changed + plan.recreated:
        if old[p].is_table or new[p].is_table:
            why = "changed" if p in plan.changed else "depends on a replaced object"
            raise SourceError(
                f"{p} {why}: a table keeps data, so pgfresh will not drop and recreate it. "
                "Revert the file and write the ALTER TABLE as a hand-written revision "
                "(alembic revision -m ...), or add a new table in a new file."
            )
    return plan


def drift(root: Path = config.ROOT) -> list[str]:
    """Human-readable differences between the sources and what head installs."""
    state, _, _ = head_state(root)
    current = read_tree(root)
    plan = make_plan(state, current)
    out = []
    for p in plan.added:
        out.append(f"new source file, not in any revision: {p}")
    for p in plan.removed:
        out.append(f"source file removed, head still installs it: {p}")
    for p in plan.changed:
        diff = "".join(
            difflib.unified_diff(
                state[p].splitlines(True), current[p].splitlines(True),
                fromfile=f"what head installs: {p}", tofile=f"source file: {p}",
            )
        )
        out.append(f"source file changed since head: {p}\n{diff}")
    return out


# -- rendering ----------------------------------------------------------------------------


def _literal(text: str) -> str:
    """A Python literal for SQL text that reads like the file itself."""
    if "'''" not in text and not text.endswith("\\") and "\\" not in text:
        return "'''\\\n" + text + "'''"
    return repr(text)


def _const(prefix: str, path: str) -> str:
    return prefix + "_" + re.sub(r"[^A-Za-z0-9]+", "_", path.removesuffix(".sql")).upper()


def render(plan: Plan, rev_id: str, down_rev: str | None, message: str,
           requires: dict[str, list[str]]) -> str:
    new_paths = sorted(set(plan.changed) | set(plan.added) | set(plan.recreated))
    old_paths = sorted(set(plan.changed) | set(plan.removed) | set(plan.recreated))
    lines = []
    summary = (
        [f"  create    {p}" for p in plan.added]
        + [f"  replace   {p}" for p in plan.changed]
        + [f"  recreate  {p}   (depends on a replaced object)" for p in plan.recreated]
        + [f"  drop      {p}" for p in plan.removed]
    )
    lines += [
        f'"""{message}',
        "",
        "Generated by `pgfresh revision` from the SQL sources. Never edit it: change the",
        "source files and generate another revision.",
        "",
        "Source files:",
        *summary,
        "",
        f"Revision ID: {rev_id}",
        f"Revises: {down_rev or ''}",
        f"Create Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC",
        '"""',
        "",
        "from pgfresh.migration import execute_sql",
        "",
        f"revision = {rev_id!r}",
        f"down_revision = {down_rev!r}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "# Every source table and column the installed views and triggers read. The",
        "# preflight fails, listing all that is missing, before anything changes.",
        f"PREFLIGHT = {_literal(preflight_sql(requires))}",
        "",
    ]
    for p in new_paths:
        lines += [f"# {p}, as this revision installs it.",
                  f"{_const('NEW', p)} = {_literal(plan.new[p].text)}", ""]
    for p in old_paths:
        lines += [f"# {p}, as the previous revision installed it.",
                  f"{_const('OLD', p)} = {_literal(plan.old[p].text)}", ""]
    lines += ["# Source file -> text after this revision; `pgfresh check` replays these."]
    lines += ["NEW = {"] + [f"    {p!r}: {_const('NEW', p)}," for p in new_paths] + ["}"]
    lines += [f"REMOVED = {tuple(plan.removed)!r}", ""]

    def body(drop_paths, drop_from, create_paths, create_prefix):
        out = []
        for p in drop_paths:
            for stmt in drop_from[p].drops:
                out.append(f"    execute_sql({stmt!r})  # {p}")
        for p in create_paths:
            out.append(f"    execute_sql({_const(create_prefix, p)}, {p!r})")
        return out or ["    pass"]

    lines += ["", "def upgrade() -> None:", "    execute_sql(PREFLIGHT, 'preflight')"]
    lines += body(plan.drop_paths, plan.old, plan.create_paths, "NEW")
    lines += ["", "", "def downgrade() -> None:"]
    lines += body(plan.downgrade_drop_paths, plan.new, plan.downgrade_create_paths, "OLD")
    return "\n".join(lines) + "\n"


# -- scratch database: proves the sources apply, and reads what they need -------------------

REQUIREMENTS_SQL = """
SELECT src.relname AS table_name, a.attname AS column_name
FROM pg_catalog.pg_depend AS d
JOIN pg_catalog.pg_rewrite AS r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
JOIN pg_catalog.pg_class AS v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace AS vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_class AS src ON d.refclassid = 'pg_catalog.pg_class'::regclass
                                AND src.oid = d.refobjid
JOIN pg_catalog.pg_namespace AS sn ON sn.oid = src.relnamespace AND sn.nspname = 'public'
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = src.oid AND a.attnum = d.refobjsubid
WHERE vn.nspname <> 'public' AND d.refobjsubid > 0
UNION
SELECT src.relname, NULL
FROM pg_catalog.pg_trigger AS t
JOIN pg_catalog.pg_class AS src ON src.oid = t.tgrelid
JOIN pg_catalog.pg_namespace AS sn ON sn.oid = src.relnamespace AND sn.nspname = 'public'
JOIN pg_catalog.pg_proc AS f ON f.oid = t.tgfoid
JOIN pg_catalog.pg_namespace AS fn ON fn.oid = f.pronamespace AND fn.nspname <> 'public'
WHERE NOT t.tgisinternal
"""


def load_schema(conn: psycopg.Connection, root: Path = config.ROOT) -> None:
    """Apply the reference source tables of schema/ in dependency order."""
    schema = parse_all(read_tree(root, [SCHEMA_DIR]))
    for p in topo_order(schema):
        for stmt in schema[p].statements:
            conn.execute(stmt)


def apply_sources(conn: psycopg.Connection, sources: dict[str, Source]) -> None:
    conn.execute(BOOTSTRAP_SQL)
    conn.execute("SET pgfresh.without_cron = 'on'")
    for p in topo_order(sources):
        for stmt in sources[p].statements:
            try:
                conn.execute(stmt)
            except psycopg.Error as exc:
                raise SourceError(f"{p}: does not apply to the reference schema: {exc}") from None


@contextlib.contextmanager
def scratch_database(url: str, sources: dict[str, Source], root: Path = config.ROOT):
    """A throwaway database next to ``url`` with schema/ and ``sources`` applied; yields a
    connection to it and drops it afterwards."""
    name = f"pgfresh_scratch_{uuid.uuid4().hex[:12]}"
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname=name)) as conn:
            load_schema(conn, root)
            apply_sources(conn, sources)
            yield conn
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def requirements(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Which source tables and columns the installed views and triggers use (pg_depend)."""
    needed: dict[str, set[str]] = {}
    for table, column in conn.execute(REQUIREMENTS_SQL):
        needed.setdefault(table, set())
        if column:
            needed[table].add(column)
    return {t: sorted(c) for t, c in sorted(needed.items())}


def generate(message: str, url: str, root: Path = config.ROOT) -> Path | None:
    """Write a revision for what changed since head; None when nothing changed."""
    state, head, count = head_state(root)
    current = read_tree(root)
    plan = make_plan(state, current)
    if plan.empty:
        return None
    with scratch_database(url, plan.new, root) as conn:
        requires = requirements(conn)
    # Alembic's version_num is varchar(32): 4 digits, '_', at most 27 of the message.
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower())[:27].strip("_") or "revision"
    rev_id = f"{count + 1:04d}_{slug}"
    path = root / "migrations" / "versions" / f"{rev_id}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(plan, rev_id, head, message, requires))
    return path
