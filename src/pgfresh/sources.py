"""Reading the SQL sources with PostgreSQL's own parser (pglast), never with regexes.

A source file defines one object with its satellites (indexes, comments, grants). From
its parse tree we learn:

- what it defines (``rel:analytics.mv_booking_trends``, ``func:pgfresh.refresh_view``, ...)
  and the statements that undo it (``DROP ...``), derived, never hand-written;
- what it depends on. *Hard* dependencies are the ones PostgreSQL records in pg_depend
  (a view reads a table or calls a function, a trigger runs a function, a foreign key):
  when the object depended on is replaced, the dependent must be dropped first and
  recreated after. *Order* dependencies only say what must exist first (a plpgsql body
  names a table; the file's ``-- requires:`` header).

The order of the files comes from those dependencies (ties broken by path), never from
the order of a directory listing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pglast
from pglast import ast, visitors
from pglast.enums import FunctionParameterMode, ObjectType
from pglast.stream import RawStream

# Managed source folders, in no particular order: the order comes from dependencies.
SOURCE_DIRS = ("setup", "tables", "functions", "views", "triggers", "cron")
# The reference source tables of the platform (applied by the demo and the tests only).
SCHEMA_DIR = "schema"

# Statements that live beside their object and go away with it.
SATELLITES = (
    ast.IndexStmt,
    ast.CommentStmt,
    ast.GrantStmt,
    ast.AlterTableStmt,
    ast.CreatePolicyStmt,
    ast.InsertStmt,
    ast.AlterOwnerStmt,
)

# A cron file schedules jobs with pgfresh.schedule_job('name', ...); the undo is
# pgfresh.unschedule_job('name').
SCHEDULE_FUNC = ("pgfresh", "schedule_job")


class SourceError(Exception):
    """A source file that cannot be used: syntax error, unknown statement, cycle."""


@dataclass
class Source:
    path: str
    text: str
    statements: list[str] = field(default_factory=list)
    defines: list[str] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    hard: set[str] = field(default_factory=set)
    soft: set[str] = field(default_factory=set)
    requires: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    @property
    def canonical(self) -> tuple[str, ...]:
        """The statements as PostgreSQL's deparser prints them: comments and layout ignored."""
        return tuple(RawStream()(raw.stmt) for raw in pglast.parse_sql(self.text))

    @property
    def is_table(self) -> bool:
        return "table" in self.kinds


def _qual(schema: str | None, name: str, default_schema: str = "public") -> str:
    return f"{schema or default_schema}.{name}"


def _names(nodes) -> tuple[str, ...]:
    return tuple(n.sval for n in nodes)


def _ident(name: str) -> str:
    """Quote an identifier the way PostgreSQL prints it (only when needed)."""
    return RawStream()(ast.ColumnRef(fields=(ast.String(sval=name),)))


def _qident(dotted: str) -> str:
    return ".".join(_ident(p) for p in dotted.split("."))


def parse_error(path: str, text: str, exc: pglast.parser.ParseError) -> SourceError:
    message, location = (exc.args + (None,))[:2]
    line = text.count("\n", 0, location) + 1 if isinstance(location, int) else "?"
    return SourceError(f"{path}:{line}: {message}")


def split_statements(path: str, text: str) -> list[str]:
    """The file's statements, split by PostgreSQL's scanner (dollar quotes respected)."""
    try:
        pglast.parse_sql(text)
        return [s.strip() for s in pglast.split(text, with_parser=True) if s.strip()]
    except pglast.parser.ParseError as exc:
        raise parse_error(path, text, exc) from None


class _Refs(visitors.Visitor):
    """Collect the relations and schema-qualified functions a statement names."""

    def __init__(self) -> None:
        self.rels: set[tuple[str | None, str]] = set()
        self.funcs: set[str] = set()
        self.ctes: set[str] = set()

    def visit_CommonTableExpr(self, ancestors, node):
        self.ctes.add(node.ctename)

    def visit_RangeVar(self, ancestors, node):
        self.rels.add((node.schemaname, node.relname))

    def visit_FuncCall(self, ancestors, node):
        names = _names(node.funcname)
        if len(names) == 2:
            self.funcs.add(".".join(names))

    def refs(self) -> set[str]:
        # An unqualified name that matches a CTE is the CTE, not a table.
        rels = {_qual(s, n) for s, n in self.rels if s is not None or n not in self.ctes}
        schemas = {n.split(".")[0] for n in rels | self.funcs}
        return (
            {f"rel:{r}" for r in rels}
            | {f"func:{f}" for f in self.funcs}
            | {f"schema:{s}" for s in schemas}
        )


def _refs_of(node) -> set[str]:
    v = _Refs()
    v(node)
    return v.refs()


def _plpgsql_refs(stmt_text: str) -> set[str]:
    """Names used inside a plpgsql body, read with PostgreSQL's plpgsql parser."""
    try:
        tree = pglast.parse_plpgsql(stmt_text)
    except pglast.parser.ParseError:
        return set()
    found: set[str] = set()

    def walk(obj):
        if isinstance(obj, dict):
            for key, val in obj.items():
                if key == "query" and isinstance(val, str):
                    for candidate in (val, f"SELECT {val}"):
                        try:
                            for raw in pglast.parse_sql(candidate):
                                found.update(_refs_of(raw.stmt))
                            break
                        except pglast.parser.ParseError:
                            continue
                else:
                    walk(val)
        elif isinstance(obj, list):
            for item in obj:
                walk(item)

    walk(json.loads(json.dumps(tree)))
    return found


def _function_signature(stmt: ast.CreateFunctionStmt) -> str:
    args = []
    for p in stmt.parameters or ():
        if p.mode in (FunctionParameterMode.FUNC_PARAM_OUT, FunctionParameterMode.FUNC_PARAM_TABLE):
            continue
        args.append(RawStream()(p.argType))
    return f"{_qident('.'.join(_names(stmt.funcname)))}({', '.join(args)})"


def _header_requires(text: str) -> list[str]:
    """Paths named on ``-- requires:`` lines of the leading comment block."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        body = stripped[2:].strip()
        if body.lower().startswith("requires:"):
            out += [p.strip() for p in body[len("requires:"):].split(",") if p.strip()]
    return out


def parse_source(path: str, text: str) -> Source:
    src = Source(path=path, text=text, requires=_header_requires(text))
    src.statements = split_statements(path, text)
    for stmt_text in src.statements:
        raw = pglast.parse_sql(stmt_text)[0]
        _classify(src, raw.stmt, stmt_text)
    if not src.defines:
        raise SourceError(f"{path}: defines no object (expected a CREATE statement)")
    src.hard -= set(src.defines)
    src.soft -= set(src.defines)
    return src


def _classify(src: Source, node, stmt_text: str) -> None:
    def define(key: str, kind: str, drop: str | None) -> None:
        src.defines.append(key)
        src.kinds.append(kind)
        if drop:
            src.drops.insert(0, drop)

    if isinstance(node, ast.CreateSchemaStmt):
        define(f"schema:{node.schemaname}", "schema", f"DROP SCHEMA {_ident(node.schemaname)}")
    elif isinstance(node, ast.CreateStmt):
        name = _qual(node.relation.schemaname, node.relation.relname)
        define(f"rel:{name}", "table", f"DROP TABLE {_qident(name)}")
        src.hard |= _refs_of(node)
    elif isinstance(node, ast.CreateTableAsStmt) and node.objtype == ObjectType.OBJECT_MATVIEW:
        rel = node.into.rel
        name = _qual(rel.schemaname, rel.relname)
        define(f"rel:{name}", "matview", f"DROP MATERIALIZED VIEW {_qident(name)}")
        src.hard |= _refs_of(node.query)
    elif isinstance(node, ast.ViewStmt):
        name = _qual(node.view.schemaname, node.view.relname)
        define(f"rel:{name}", "view", f"DROP VIEW {_qident(name)}")
        src.hard |= _refs_of(node.query)
    elif isinstance(node, ast.CreateFunctionStmt):
        name = ".".join(_names(node.funcname))
        kind = "PROCEDURE" if node.is_procedure else "FUNCTION"
        define(f"func:{name}", kind.lower(), f"DROP {kind} {_function_signature(node)}")
        language = next(
            (o.arg.sval for o in node.options or () if o.defname == "language"), "sql"
        )
        if language == "plpgsql":
            src.soft |= _plpgsql_refs(stmt_text)
        elif node.sql_body is not None:
            src.hard |= _refs_of(node.sql_body)
        else:
            body = next((o.arg for o in node.options or () if o.defname == "as"), None)
            if body:
                try:
                    for raw in pglast.parse_sql(body[0].sval):
                        src.soft |= _refs_of(raw.stmt)
                except pglast.parser.ParseError:
                    pass
        for p in node.parameters or ():
            if p.defexpr is not None:
                src.soft |= _refs_of(p.defexpr)
    elif isinstance(node, ast.CreateTrigStmt):
        table = _qual(node.relation.schemaname, node.relation.relname)
        define(
            f"trigger:{node.trigname}@{table}",
            "trigger",
            f"DROP TRIGGER {_ident(node.trigname)} ON {_qident(table)}",
        )
        src.hard |= {f"rel:{table}", f"func:{'.'.join(_names(node.funcname))}"}
    elif isinstance(node, ast.SelectStmt) and _schedule_call(node):
        job = _schedule_call(node)
        define(
            f"cronjob:{job}",
            "cronjob",
            f"SELECT pgfresh.unschedule_job({RawStream()(ast.A_Const(val=ast.String(sval=job)))})",
        )
        src.soft |= _refs_of(node)
    elif isinstance(node, ast.DoStmt) and src.path.startswith("setup/"):
        # Cluster-level setup that must be idempotent and is never undone: a role
        # belongs to the cluster, not to this database (other databases may use it).
        define(f"do:{src.path}", "do", None)
    elif isinstance(node, SATELLITES):
        src.soft |= _refs_of(node)
    else:
        first_line = stmt_text.splitlines()[0][:80]
        raise SourceError(
            f"{src.path}: pgfresh cannot derive how to undo {type(node).__name__} "
            f"({first_line!r}); put one CREATE per file with its indexes, comments and grants"
        )


def _schedule_call(node: ast.SelectStmt) -> str | None:
    targets = node.targetList or ()
    if len(targets) != 1 or not isinstance(targets[0].val, ast.FuncCall):
        return None
    call = targets[0].val
    if _names(call.funcname) != SCHEDULE_FUNC or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.A_Const) and isinstance(first.val, ast.String):
        return first.val.sval
    return None


# -- loading and ordering ---------------------------------------------------------------


def read_tree(root: Path, dirs: Iterable[str] = SOURCE_DIRS) -> dict[str, str]:
    """path (relative, posix) -> text of every .sql file under the given folders."""
    out: dict[str, str] = {}
    for d in dirs:
        for f in sorted((root / d).glob("*.sql")):
            out[f.relative_to(root).as_posix()] = f.read_text()
    return out


def parse_all(texts: dict[str, str]) -> dict[str, Source]:
    errors, parsed = [], {}
    for path, text in texts.items():
        try:
            parsed[path] = parse_source(path, text)
        except SourceError as exc:
            errors.append(str(exc))
    if errors:
        raise SourceError("\n".join(errors))
    owners: dict[str, str] = {}
    for path, src in parsed.items():
        for key in src.defines:
            # Overloads (a function and a procedure of one name) are distinct objects;
            # PostgreSQL itself refuses two with the same signature.
            if key in owners and not key.startswith("func:"):
                raise SourceError(f"{key} is defined twice: {owners[key]} and {path}")
            owners[key] = path
    for path, src in parsed.items():
        for req in src.requires:
            if req not in parsed:
                raise SourceError(f"{path}: requires {req}, which is not a source file")
    return parsed


def edges(sources: dict[str, Source], hard_only: bool = False) -> dict[str, set[str]]:
    """path -> the paths it depends on."""
    owners: dict[str, set[str]] = {}
    for path, s in sources.items():
        for key in s.defines:
            owners.setdefault(key, set()).add(path)
    out: dict[str, set[str]] = {}
    for path, s in sources.items():
        names = s.hard if hard_only else s.hard | s.soft
        deps = {p for n in names for p in owners.get(n, ())}
        if not hard_only:
            deps |= set(s.requires)
        deps.discard(path)
        out[path] = deps
    return out


def topo_order(sources: dict[str, Source], subset: Iterable[str] | None = None) -> list[str]:
    """Paths in an order where each comes after what it depends on (ties: by path)."""
    graph = edges(sources)
    wanted = set(sources if subset is None else subset)
    done: list[str] = []
    placed: set[str] = set()
    visiting: list[str] = []

    def visit(p: str) -> None:
        if p in placed:
            return
        if p in visiting:
            cycle = " -> ".join(visiting[visiting.index(p):] + [p])
            raise SourceError(f"dependency cycle: {cycle}")
        visiting.append(p)
        for d in sorted(graph[p]):
            visit(d)
        visiting.pop()
        placed.add(p)
        done.append(p)

    for p in sorted(sources):
        visit(p)
    return [p for p in done if p in wanted]


def hard_dependents(sources: dict[str, Source], roots: Iterable[str]) -> set[str]:
    """Every file that (transitively) has a catalog dependency on one of ``roots``."""
    graph = edges(sources, hard_only=True)
    found: set[str] = set()
    frontier = set(roots)
    while frontier:
        nxt = {p for p, deps in graph.items() if deps & frontier and p not in found}
        nxt -= set(roots)
        found |= nxt
        frontier = nxt
    return found
