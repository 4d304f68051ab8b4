"""`pgfresh plan`: what `alembic upgrade head` would do to DATABASE_URL, step by step,
for a DBA to approve: the object, the locks taken and on what, build or swap, and how
long each build is expected to take.

The steps are read from the revisions' own SQL (Alembic's offline mode, the statements
`alembic upgrade --sql` prints, each step introduced by a `-- pgfresh step:` line) and
classified with PostgreSQL's parser; expected times come from the target database
(the view's recent refreshes in pgfresh.job_runs, else its source tables' reltuples).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pglast
import psycopg
from alembic import command
from pglast import ast

from pgfresh import config
from pgfresh.revision import alembic_config
from pgfresh.sources import _refs_of, split_statements
from pgfresh.swap import SUFFIX

# Lock modes a revision's statements take, weakest first, and who queues behind them.
STRENGTH = ("AccessShareLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
            "AccessExclusiveLock")
READERS_WAIT = "readers and writers wait"
WRITERS_WAIT = "writers wait"
NOBODY_WAITS = "nobody waits"


@dataclass
class Step:
    revision: str
    step: str
    kind: str
    objects: list[str] = field(default_factory=list)
    locks: list[str] = field(default_factory=list)
    expected: str = ""


def _rel(rv: ast.RangeVar) -> str:
    return f"{rv.schemaname or 'public'}.{rv.relname}"


def _reads(node) -> set[str]:
    """Relations a query reads (CTE names left out)."""
    return {k.split(":", 1)[1] for k in _refs_of(node) if k.startswith("rel:")}


def _real(name: str) -> str:
    return name.removesuffix(SUFFIX)


def _items(obj) -> tuple:
    if isinstance(obj, ast.ObjectWithArgs):
        return obj.objname
    return obj if isinstance(obj, tuple) else getattr(obj, "items", (obj,))


def classify(stmt: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(objects it creates or changes, [(lock mode, relation, who waits)]) of a statement."""
    node = pglast.parse_sql(stmt)[0].stmt
    if isinstance(node, ast.CreateTableAsStmt):
        name = _rel(node.into.rel)
        return [_real(name)], [("AccessShareLock", r, NOBODY_WAITS) for r in sorted(_reads(node.query))]
    if isinstance(node, ast.ViewStmt):
        return [_real(_rel(node.view))], [("AccessShareLock", r, NOBODY_WAITS)
                                          for r in sorted(_reads(node.query))]
    if isinstance(node, ast.IndexStmt):
        table = _rel(node.relation)
        return [node.idxname], [("ShareLock", table, WRITERS_WAIT)]
    if isinstance(node, ast.CreateTrigStmt):
        return [node.trigname], [("ShareRowExclusiveLock", _rel(node.relation), WRITERS_WAIT)]
    if isinstance(node, ast.AlterTableStmt):
        return [_rel(node.relation)], [("AccessExclusiveLock", _rel(node.relation), READERS_WAIT)]
    if isinstance(node, ast.RenameStmt) and node.renameType.name == "OBJECT_INDEX":
        return [], []  # an index of a view built by this revision
    if isinstance(node, ast.RenameStmt) and node.relation is not None:
        return [_real(_rel(node.relation))], [("AccessExclusiveLock", _rel(node.relation), READERS_WAIT)]
    if isinstance(node, ast.DropStmt):
        names = [".".join(n.sval for n in _items(o)) for o in node.objects]
        kind = node.removeType.name.removeprefix("OBJECT_")
        if kind in ("MATVIEW", "VIEW", "TABLE"):
            return names, [("AccessExclusiveLock", n, READERS_WAIT) for n in names]
        if kind == "TRIGGER":
            return names, [("AccessExclusiveLock", ".".join(n.split(".")[:-1]), READERS_WAIT) for n in names]
        return names, []
    if isinstance(node, ast.CommentStmt) and node.objtype.name in (
            "OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_VIEW", "OBJECT_COLUMN"):
        parts = [n.sval for n in _items(node.object)]
        rel = ".".join(parts[:2])
        return [], [("ShareUpdateExclusiveLock", rel, NOBODY_WAITS)]
    if isinstance(node, ast.CreateFunctionStmt):
        return [".".join(n.sval for n in node.funcname)], []
    return [], []


def _split_steps(script: str) -> list[tuple[str, str, str]]:
    """(revision, step label, SQL) from the offline script."""
    out, revision, label, chunk = [], "", "", []

    def flush():
        if label and "".join(chunk).strip():
            out.append((revision, label, "".join(chunk)))

    for line in script.splitlines(keepends=True):
        m = re.match(r"-- Running upgrade (\S*) -> (\S+)", line)
        s = re.match(r"-- pgfresh step: (.*)", line)
        if m or s or line.startswith("UPDATE pgfresh.alembic_version") \
                or line.startswith("INSERT INTO pgfresh.alembic_version"):
            flush()
            chunk, label = [], ""
            if m:
                revision = m.group(2)
            if s:
                label = s.group(1).strip()
            continue
        if label:
            chunk.append(line)
    flush()
    return out


def _expected(conn: psycopg.Connection, view: str, sources: list[str]) -> str:
    name = view.split(".", 1)[1]
    row = None
    if conn.execute("SELECT to_regclass('pgfresh.job_runs')").fetchone()[0]:
        row = conn.execute(
            "SELECT count(*), avg(extract(epoch FROM duration)), max(extract(epoch FROM duration)) FROM ("
            " SELECT duration FROM pgfresh.job_runs WHERE view_name = %s AND status = 'success'"
            " ORDER BY started_at DESC LIMIT 5) AS r", (name,)).fetchone()
    if row and row[0]:
        return f"{row[1]:.1f} s (last {row[0]} refreshes, max {row[2]:.1f} s)"
    tuples = conn.execute(
        "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM unnest(%s::text[]) AS s "
        "JOIN pg_class AS c ON c.oid = to_regclass(s)", (sources,)).fetchone()[0]
    return f"no refresh history; sources hold ~{tuples:,} rows"


def plan(url: str, root: Path = config.ROOT) -> list[Step]:
    with psycopg.connect(url, autocommit=True) as conn:
        current = None
        if conn.execute("SELECT to_regclass('pgfresh.alembic_version')").fetchone()[0]:
            row = conn.execute("SELECT version_num FROM pgfresh.alembic_version").fetchone()
            current = row[0] if row else None
        cfg = alembic_config(root, url)
        cfg.output_buffer = io.StringIO()
        cfg.attributes["quiet"] = True
        command.upgrade(cfg, f"{current}:head" if current else "head", sql=True)
        unpopulated = {f"analytics.{r[0]}" for r in conn.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'm' AND NOT c.relispopulated AND n.nspname = 'analytics'")}
        steps = []
        for revision, label, sql in _split_steps(cfg.output_buffer.getvalue()):
            stmts = split_statements(label, sql)
            step = Step(revision, label.split(" (locks ")[0], _kind(label))
            created: set[str] = set()
            locks: dict[str, tuple[str, str]] = {}
            sources: list[str] = []
            for stmt in stmts:
                objects, taken = classify(stmt)
                node = pglast.parse_sql(stmt)[0].stmt
                if isinstance(node, ast.CreateTableAsStmt):
                    created.add(_rel(node.into.rel))
                    sources += [r for mode, r, _ in taken]
                    if node.into.skipData:
                        unpopulated.add(objects[0])
                if isinstance(node, (ast.CreateStmt, ast.ViewStmt, ast.IndexStmt)):
                    created.add(_rel(node.relation if isinstance(node, ast.IndexStmt) else
                                     getattr(node, "view", None) or node.relation))
                step.objects += [o for o in objects if o not in step.objects]
                for mode, rel, who in taken:
                    if rel in created or rel.endswith(SUFFIX):
                        continue
                    if rel not in locks or STRENGTH.index(mode) > STRENGTH.index(locks[rel][0]):
                        locks[rel] = (mode, who)
            step.locks = [f"{mode} on {rel} ({who})" for rel, (mode, who) in locks.items()]
            if step.kind == "build" and step.objects:
                step.objects = step.objects[:1]
                step.expected = (_expected(conn, step.objects[0], sources) if sources
                                 else "instant (a plain view)")
            elif step.kind == "populate":
                step.objects = sorted(unpopulated)
                step.locks = [f"AccessExclusiveLock on {v} ({READERS_WAIT}; it is not populated)"
                              for v in sorted(unpopulated)]
                step.expected = "; ".join(f"{v.split('.')[1]}: {_expected(conn, v, [])}"
                                          for v in sorted(unpopulated)) or "nothing to populate"
                unpopulated = set()
            elif step.kind == "swap":
                step.expected = "milliseconds once the locks are granted; each wait at most lock_timeout"
            steps.append(step)
        return steps


def _kind(label: str) -> str:
    if label.startswith("build "):
        return "build"
    if label.startswith("swap"):
        return "swap"
    if label in ("populate", "preflight"):
        return label
    return "ddl"


def render(steps: list[Step]) -> str:
    if not steps:
        return "nothing to do: the database is at head"
    rows = [("revision", "step", "kind", "objects")]
    rows += [(s.revision, s.step, s.kind, ", ".join(s.objects) or "-") for s in steps]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    indent = " " * (sum(widths) + 6)
    out = []
    for i, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
        if i:
            s = steps[i - 1]
            out += [f"{indent}lock: {lock}" for lock in s.locks]
            if s.expected:
                out.append(f"{indent}expected: {s.expected}")
    return "\n".join(out)


def main(url: str, root: Path, as_json: bool) -> int:
    steps = plan(url, root)
    print(json.dumps([asdict(s) for s in steps], indent=2) if as_json else render(steps))
    return 0
