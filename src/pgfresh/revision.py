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

import pglast
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
    edges,
    hard_dependents,
    parse_all,
    read_tree,
    topo_order,
)
from pgfresh.sources import _ident as _qident_name
from pgfresh.swap import (
    POPULATE_SQL,
    build_sql,
    relation_key,
    swap_relations,
    swap_sql,
    temp_name,
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
    # Views replaced by build-then-swap (see pgfresh.swap), old and new alike.
    swapped: list[str] = field(default_factory=list)
    # Changed functions that swapped views call: renamed aside, dropped in the swap.
    renamed: list[str] = field(default_factory=list)
    # Tables whose COMMENTs changed and nothing else: the comments are set again.
    commented: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed or self.commented)


def _is_routine(src: Source) -> bool:
    return all(kind in ("function", "procedure") for kind in src.kinds)


def _renamed(plan: Plan) -> list[str]:
    """Changed functions that the old version of a swapped view depends on."""
    old_deps = edges(plan.old, hard_only=True)
    needed = {d for p in plan.swapped if p in plan.old for d in old_deps[p]}
    return sorted(p for p in plan.changed if p in needed and _is_routine(plan.old[p]))


def _swap_members(plan: Plan) -> list[str]:
    """The views that can be replaced by build-then-swap: a changed, recreated or added
    view (plain or materialized) whose old version can live until the swap (every replaced
    object it reads is swapped too), whose new version can be built beside it (every
    replaced relation it reads is built too) and whose new dependents are all swapped."""
    replaced = set(plan.changed) | set(plan.removed) | set(plan.recreated)
    touched = set(plan.changed) | set(plan.added) | set(plan.recreated)

    def is_view(src):
        return src is None or relation_key(src) is not None and not src.is_table

    members = {p for p in touched if is_view(plan.old.get(p)) and is_view(plan.new.get(p))}
    old_deps, new_deps = edges(plan.old, hard_only=True), edges(plan.new, hard_only=True)
    # A changed function that old views call is renamed out of the way, not dropped, and
    # dropped in the swap after them (see render).
    renamable = {p for p in plan.changed if _is_routine(plan.old[p]) and _is_routine(plan.new[p])}
    again = True
    while again:
        again = False
        for p in sorted(members):
            old_ok = p not in plan.old or old_deps[p] & replaced <= members | renamable
            new_rels = {d for d in new_deps.get(p, ()) if d in touched and relation_key(plan.new[d])}
            new_ok = p not in plan.new or new_rels <= members
            dependents_ok = all(q in members for q, deps in new_deps.items() if p in deps and q in touched)
            if not (old_ok and new_ok and dependents_ok):
                members.discard(p)
                again = True
    return sorted(members)


def _without_comments(src: Source) -> tuple[str, ...]:
    return tuple(s for s in src.canonical if not s.startswith("COMMENT ON "))


def _comments(src: Source) -> str:
    return ";\n".join(s for s in src.statements
                       if isinstance(pglast.parse_sql(s)[0].stmt, pglast.ast.CommentStmt)) + ";\n"


def make_plan(old_texts: dict[str, str], new_texts: dict[str, str]) -> Plan:
    old, new = parse_all(old_texts), parse_all(new_texts)
    plan = Plan(old=old, new=new)
    plan.added = sorted(set(new) - set(old))
    plan.removed = sorted(set(old) - set(new))
    plan.changed = sorted(p for p in set(old) & set(new) if old[p].canonical != new[p].canonical)
    plan.commented = [p for p in plan.changed if old[p].is_table and _without_comments(old[p])
                      == _without_comments(new[p])]
    plan.changed = [p for p in plan.changed if p not in plan.commented]
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
    plan.swapped = _swap_members(plan)
    plan.renamed = _renamed(plan)
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
    for p in plan.changed + plan.commented:
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
    new_paths = sorted(set(plan.changed) | set(plan.added) | set(plan.recreated) | set(plan.commented))
    old_paths = sorted(set(plan.changed) | set(plan.removed) | set(plan.recreated) | set(plan.commented))
    lines = []
    summary = (
        [f"  create    {p}" for p in plan.added]
        + [f"  replace   {p}" for p in plan.changed]
        + [f"  recreate  {p}   (depends on a replaced object)" for p in plan.recreated]
        + [f"  drop      {p}" for p in plan.removed]
        + [f"  comment   {p}   (only its comments changed: they are set again)" for p in plan.commented]
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
        "from pgfresh.migration import @IMPORTS@",
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

    swapped = set(plan.swapped)
    builds = {"NEW": plan.new, "OLD": plan.old}
    for prefix, side in builds.items():
        for p in topo_order(side, swapped & set(side)):
            rename = {relation_key(side[q]): temp_name(relation_key(side[q]).split(".", 1)[1])
                      for q in swapped & set(side)}
            what = "this revision installs" if prefix == "NEW" else "the downgrade restores"
            lines += [f"# {p} as {what} it, built under temporary names, with data,",
                      "# while readers keep reading the view it replaces.",
                      f"{_const('BUILD_' + prefix, p)} = {_literal(build_sql(side[p], rename))}", ""]
    for p in plan.commented:
        for prefix, side in builds.items():
            who = "revision" if prefix == "NEW" else "downgrade"
            lines += [f"# The comments of {p} as the {who} sets them.",
                      f"{_const('COMMENTS_' + prefix, p)} = {_literal(_comments(side[p]))}", ""]
    swaps = {}
    for prefix, frm, to in (("NEW", plan.old, plan.new), ("OLD", plan.new, plan.old)):
        # A view that this direction removes (not in ``to``) is simply dropped, dependents
        # first, with the other drops (before the functions it reads); only views that
        # exist on both sides, or are new, go through the swap.
        drop_from = [frm[p] for p in reversed(topo_order(frm, swapped & set(frm) & set(to)))]
        swap_in = [to[p] for p in topo_order(to, swapped & set(to))]
        aside = [_aside(stmt)[1] for p in plan.renamed for stmt in frm[p].drops]
        if drop_from or swap_in:
            swaps[prefix] = (swap_relations(drop_from), swap_sql(drop_from, swap_in, aside))
    for prefix, (_, text) in swaps.items():
        lines += [f"# The swap{'' if prefix == 'NEW' else ' back'}: old views out, built ones renamed in "
                  "with their indexes, comments, grants.",
                  f"SWAP_{prefix} = {_literal(text)}", ""]
    lines += ["# After every upgrade and downgrade, every materialized view holds data.",
              f"POPULATE = {_literal(POPULATE_SQL)}", ""]

    def call(const_or_stmt: str, label: str, relations: list[str]) -> str:
        if relations:
            return f"    execute_locked({const_or_stmt}, {label!r}, {list(dict.fromkeys(relations))!r})"
        return f"    execute_sql({const_or_stmt}, {label!r})" if label else \
            f"    execute_sql({const_or_stmt})"

    def body(frm, to, prefix):
        out = []
        for p in reversed(topo_order(frm, (set(frm) - set(to)) | (set(plan.changed) | set(plan.recreated)))):
            if p in swapped and p in to:
                continue
            if p in plan.renamed:
                for stmt in frm[p].drops:
                    out.append(call(repr(_aside(stmt)[0]), "", []) + f"  # {p}: dropped in the swap")
                continue
            for stmt in frm[p].drops:
                locks = _drop_locks(frm[p])
                out.append(call(repr(stmt), p if locks else "", locks) + ("" if locks else f"  # {p}"))
        creates = topo_order(to, (set(to) - set(frm)) | (set(plan.changed) | set(plan.recreated)))
        for p in creates:
            if p not in swapped:
                out.append(call(_const(prefix, p), p, _create_locks(to[p])))
        for p in plan.commented:
            out.append(call(_const("COMMENTS_" + prefix, p), p, []))
        # The builds read populated views only: those not replaced, and each other.
        out.append("    execute_sql(POPULATE, 'populate')")
        for p in creates:
            if p in swapped:
                out.append(call(_const("BUILD_" + prefix, p), f"build {p}", []))
        if prefix in swaps:
            out.append(call(f"SWAP_{prefix}", "swap", swaps[prefix][0]))
        return out

    lines += ["", "def upgrade() -> None:", "    execute_sql(PREFLIGHT, 'preflight')"]
    lines += body(plan.old, plan.new, "NEW")
    lines += ["", "", "def downgrade() -> None:"]
    lines += body(plan.new, plan.old, "OLD")
    text = "\n".join(lines) + "\n"
    imports = "execute_locked, execute_sql" if "    execute_locked(" in text else "execute_sql"
    return text.replace("@IMPORTS@", imports, 1)


def _aside(drop: str) -> tuple[str, str]:
    """For ``DROP FUNCTION schema.name(args)``: (the statement renaming it to a temporary
    name, the statement dropping it under that name)."""
    m = re.fullmatch(r"DROP (FUNCTION|PROCEDURE) (.+)\.([^.(]+)(\(.*\))", drop, re.S)
    if not m:
        raise SourceError(f"cannot rename aside: {drop}")
    kind, schema, name, args = m.groups()
    aside = _qident_name(temp_name(name.strip('"')))
    return (f"ALTER {kind} {schema}.{name}{args} RENAME TO {aside}",
            f"DROP {kind} {schema}.{aside}{args}")


def _drop_locks(src: Source) -> list[str]:
    """Relations a DROP of this file's object locks that others may be using."""
    out = []
    for key, kind in zip(src.defines, src.kinds, strict=True):
        if kind in ("table", "matview", "view"):
            out.append(key.split(":", 1)[1])
        elif kind == "trigger":
            out.append(key.split("@", 1)[1])
    return out


def _create_locks(src: Source) -> list[str]:
    """Relations that running this file locks against their readers or writers: the
    table of a trigger, the tables a new table references (foreign keys)."""
    out = [key.split("@", 1)[1]
           for key, kind in zip(src.defines, src.kinds, strict=True) if kind == "trigger"]
    if src.is_table:
        out += sorted(k.split(":", 1)[1] for k in src.hard if k.startswith("rel:"))
    return out


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
