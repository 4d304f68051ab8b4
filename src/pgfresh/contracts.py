"""Typed contracts of the analytics views: one JSON Schema per view row, and Zod 4.

``pgfresh contracts`` applies the SQL sources to a scratch database (as ``pgfresh lint``
does), reads each materialized view (and plain view or table) of schema ``analytics``
from the catalog (columns in order, types, ``COMMENT ON`` texts) and writes:

- ``contracts/rows/<view>.schema.json``: the row as PostgREST and supabase-js return it
  (``json_agg`` of the rows), JSON Schema 2020-12, self-contained: the JSONB columns'
  contracts (``contracts/<view>.<column>.schema.json``) are inlined with their ``$ref``\\ s
  resolved;
- ``contracts/ts/src/<view>.ts`` and ``index.ts``: Zod 4 schemas with inferred types,
  printed by json-schema-to-zod (``contracts/ts/scripts/generate.mjs``).

Nullability and value sets come from ``contracts/columns.json`` (the catalog cannot say:
a view's columns are never NOT NULL; a table's NOT NULL decides for the table).
``pgfresh contracts --check`` builds the same into a temporary directory and names each
view and column that differs from the committed files.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import tempfile
from pathlib import Path

import psycopg

from pgfresh.revision import scratch_database
from pgfresh.sources import parse_all, read_tree

ROWS_DIR = Path("contracts") / "rows"
TS_DIR = Path("contracts") / "ts"
DECLARATIONS = Path("contracts") / "columns.json"
SCHEMA_ID = "https://pgfresh.dev/contracts/rows/{view}.schema.json"

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# to_jsonb(timestamptz): ISO 8601 with the session's UTC offset, 0-6 fractional digits.
TIMESTAMPTZ = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}$"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

# PostgreSQL type (pg_type.typname) -> JSON Schema of its value as to_jsonb emits it.
# The table in docs/contracts.md says the same; a type not listed here is refused.
TYPE_SCHEMAS: dict[str, dict] = {
    "int2": {"type": "integer"},
    "int4": {"type": "integer"},
    "int8": {"type": "integer"},
    "numeric": {"type": "number"},
    "text": {"type": "string"},
    "bool": {"type": "boolean"},
    "uuid": {"type": "string", "pattern": UUID},
    "date": {"type": "string", "format": "date", "pattern": DATE},
    "timestamptz": {"type": "string", "format": "date-time", "pattern": TIMESTAMPTZ},
}

CATALOG_SQL = """
SELECT c.relname, c.relkind, a.attname, t.typname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_catalog.col_description(c.oid, a.attnum),
       pg_catalog.obj_description(c.oid, 'pg_class')
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
WHERE n.nspname = 'analytics' AND c.relkind IN ('m', 'v', 'r', 'p') AND NOT c.relispartition
ORDER BY c.relname, a.attnum
"""


class ContractError(RuntimeError):
    """The contracts cannot be generated (a declaration or a JSONB contract is missing)."""


# -- JSON Schemas of the rows -------------------------------------------------------------


def catalog(conn: psycopg.Connection) -> dict[str, dict]:
    """relation -> {"comment", "table": bool, "columns": [(name, typname, sql type, not null,
    comment), ...]}: the views, materialized views and tables of schema analytics."""
    views: dict[str, dict] = {}
    for view, kind, column, typname, sqltype, notnull, comment, view_comment in conn.execute(CATALOG_SQL):
        v = views.setdefault(view, {"comment": view_comment, "table": kind in ("r", "p"), "columns": []})
        v["columns"].append((column, typname, sqltype, notnull, comment))
    return views


def _pointer(doc: dict, ref: str, where: str):
    node = doc
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            raise ContractError(f"{where}: $ref {ref} points at nothing")
        node = node[part]
    return node


def inline_refs(node, doc: dict, where: str, depth: int = 0):
    """``node`` with every local ``$ref`` (``#/...`` of ``doc``) replaced by its target;
    keywords beside a ``$ref`` (a description) override the target's."""
    if depth > 50:
        raise ContractError(f"{where}: $ref cycle")
    if isinstance(node, list):
        return [inline_refs(n, doc, where, depth + 1) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    if "$ref" in node:
        if not str(node["$ref"]).startswith("#/"):
            raise ContractError(f"{where}: only local $refs (#/...) are supported, not {node['$ref']}")
        out.update(inline_refs(_pointer(doc, node["$ref"], where), doc, where, depth + 1))
    for key, value in node.items():
        if key != "$ref":
            out[key] = inline_refs(value, doc, where, depth + 1)
    return out


def jsonb_schema(root: Path, view: str, column: str) -> dict:
    path = Path("contracts") / f"{view}.{column}.schema.json"
    if not (root / path).exists():
        raise ContractError(
            f"analytics.{view}.{column} is jsonb and has no contract: write {path} "
            "(JSON Schema 2020-12 of the value)"
        )
    doc = json.loads((root / path).read_text())
    schema = inline_refs(doc, doc, str(path))
    for key in ("$schema", "$id", "$defs"):
        schema.pop(key, None)
    return schema


def declarations(root: Path) -> dict[str, dict]:
    doc = json.loads((root / DECLARATIONS).read_text())
    doc.pop("$comment", None)
    return doc


def _nullable(schema: dict) -> dict:
    """``schema`` or null: a type list when that says it, else anyOf (a oneOf of objects
    would refuse null under a type list)."""
    if not isinstance(schema.get("type"), str) or any(k in schema for k in ("oneOf", "anyOf", "allOf")):
        return {"anyOf": [schema, {"type": "null"}]}
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def row_schemas(views: dict[str, dict], root: Path) -> dict[str, dict]:
    """view -> the JSON Schema of one of its rows."""
    declared = declarations(root)
    problems = [f"{DECLARATIONS}: no entry for analytics.{v} (list its nullable columns, "
                "or {} when none is)" for v in views if v not in declared]
    problems += [f"{DECLARATIONS}: {v} is not a view of schema analytics"
                 for v in declared if v not in views]
    out = {}
    for view, info in views.items():
        decl = declared.get(view, {})
        names = [c[0] for c in info["columns"]]
        problems += [f"{DECLARATIONS}: analytics.{view} has no column {c}" for c in decl if c not in names]
        properties = {}
        for column, typname, sqltype, notnull, comment in info["columns"]:
            if typname == "jsonb":
                try:
                    schema = jsonb_schema(root, view, column)
                except ContractError as exc:
                    problems.append(str(exc))
                    continue
            elif typname in TYPE_SCHEMAS:
                schema = dict(TYPE_SCHEMAS[typname])
            else:
                problems.append(f"analytics.{view}.{column}: type {sqltype} has no JSON mapping "
                                "(add it to TYPE_SCHEMAS in src/pgfresh/contracts.py and docs/contracts.md)")
                continue
            schema.pop("description", None)
            head = {"description": comment} if comment else {}
            head["x-postgres-type"] = sqltype
            col_decl = decl.get(column, {})
            unknown = set(col_decl) - {"null_when", "enum"}
            if unknown:
                problems.append(f"{DECLARATIONS}: {view}.{column}: unknown keys {sorted(unknown)}")
            if "enum" in col_decl:
                schema["enum"] = col_decl["enum"]
            if info["table"] and "null_when" in col_decl:
                problems.append(f"{DECLARATIONS}: analytics.{view}.{column}: a table's NOT NULL "
                                "decides, declare no null_when")
            if (not notnull) if info["table"] else "null_when" in col_decl:
                schema = _nullable(schema)
            properties[column] = {**head, **schema}
        out[view] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID.format(view=view),
            "title": f"analytics.{view} row",
            **({"description": info["comment"]} if info["comment"] else {}),
            "$comment": "Generated by `pgfresh contracts` from the catalog, contracts/columns.json "
                        "and the JSONB contracts of contracts/: do not edit.",
            "type": "object",
            "required": names,
            "properties": properties,
        }
    if problems:
        raise ContractError("\n".join(problems))
    return out


def dump(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# -- the TypeScript package ---------------------------------------------------------------


def _run(cmd: list[str], cwd: Path) -> None:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise ContractError(f"{cmd[0]} is not installed (Node 20+ and npm are needed: "
                            "`make setup` installs Debian's nodejs and npm)") from exc
    if done.returncode != 0:
        raise ContractError(f"`{' '.join(cmd)}` in {cwd} failed:\n{done.stdout}{done.stderr}")


def ensure_node_packages(root: Path) -> Path:
    """``npm ci`` in contracts/ts when node_modules is missing or older than the lockfile."""
    pkg = root / TS_DIR
    stamp = pkg / "node_modules" / ".package-lock.json"
    lock = pkg / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], pkg)
    return pkg


def write_all(schemas: dict[str, dict], rows_dir: Path, src_dir: Path, root: Path) -> None:
    """Write the row schemas to ``rows_dir`` and the Zod modules they give to ``src_dir``."""
    pkg = ensure_node_packages(root)
    rows_dir.mkdir(parents=True, exist_ok=True)
    for old in rows_dir.glob("*.schema.json"):
        old.unlink()
    for view, schema in schemas.items():
        (rows_dir / f"{view}.schema.json").write_text(dump(schema))
    src_dir.mkdir(parents=True, exist_ok=True)
    for old in src_dir.glob("*.ts"):
        old.unlink()
    _run(["node", "scripts/generate.mjs", str(rows_dir.resolve()), str(src_dir.resolve())], pkg)


def current_schemas(url: str, root: Path) -> dict[str, dict]:
    """The row schemas of the current sources, read in a scratch database next to ``url``."""
    with scratch_database(url, parse_all(read_tree(root)), root) as conn:
        return row_schemas(catalog(conn), root)


def generate(url: str, root: Path) -> dict[str, dict]:
    """Regenerate contracts/rows/ and contracts/ts/src/ from the current sources."""
    schemas = current_schemas(url, root)
    write_all(schemas, root / ROWS_DIR, root / TS_DIR / "src", root)
    return schemas


def _column_drift(view: str, want: dict, have: dict) -> list[str]:
    out = []
    wp, hp = want.get("properties", {}), have.get("properties", {})
    for col in wp:
        if col not in hp:
            out.append(f"analytics.{view}.{col}: the view has this column, the contract does not")
        elif wp[col] != hp[col]:
            keys = [k for k in {**wp[col], **hp[col]} if wp[col].get(k) != hp[col].get(k)]
            out.append(f"analytics.{view}.{col}: " + "; ".join(
                f"{k}: the view gives {json.dumps(wp[col].get(k))}, "
                f"the contract says {json.dumps(hp[col].get(k))}" for k in keys))
    out += [f"analytics.{view}.{col}: in the contract, not in the view" for col in hp if col not in wp]
    if not out and list(wp) != list(hp):
        out.append(f"analytics.{view}: the columns are in another order than the view's")
    for key in sorted(set(want) | set(have)):
        if key != "properties" and want.get(key) != have.get(key) and not (key == "required" and out):
            out.append(f"analytics.{view}: {key} differs: the view gives {json.dumps(want.get(key))}, "
                       f"the contract says {json.dumps(have.get(key))}")
    return out


def drift(schemas: dict[str, dict], root: Path) -> list[str]:
    """What differs between the committed contracts and ``schemas`` (current_schemas)."""
    problems = []
    rows = root / ROWS_DIR
    for view, want in schemas.items():
        path = rows / f"{view}.schema.json"
        if not path.exists():
            problems.append(f"analytics.{view}: no contract ({ROWS_DIR / path.name} is missing)")
            continue
        problems += _column_drift(view, want, json.loads(path.read_text()))
    problems += [f"{ROWS_DIR / p.name}: no view analytics.{p.name.removesuffix('.schema.json')}"
                 for p in sorted(rows.glob("*.schema.json"))
                 if p.name.removesuffix(".schema.json") not in schemas]
    with tempfile.TemporaryDirectory(prefix="pgfresh-contracts-") as tmp:
        write_all(schemas, Path(tmp) / "rows", Path(tmp) / "src", root)
        src = root / TS_DIR / "src"
        want_ts = {p.name: p.read_text() for p in (Path(tmp) / "src").glob("*.ts")}
        have_ts = {p.name: p.read_text() for p in src.glob("*.ts")} if src.exists() else {}
    for name in sorted(set(want_ts) | set(have_ts)):
        rel = TS_DIR / "src" / name
        if name not in have_ts:
            problems.append(f"{rel}: missing")
        elif name not in want_ts:
            problems.append(f"{rel}: not generated from any view")
        elif want_ts[name] != have_ts[name]:
            diff = "".join(difflib.unified_diff(
                have_ts[name].splitlines(True), want_ts[name].splitlines(True),
                fromfile=f"committed: {rel}", tofile=f"generated: {rel}", n=1))
            problems.append(f"{rel}: differs from what the row schemas generate\n{diff}")
    return problems
