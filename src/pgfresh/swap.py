"""Build-then-swap: the SQL a generated revision runs to replace views without a gap.

A replaced view (materialized or plain) is first *built* beside the one readers use,
under a temporary name (``<name>__pgfresh``), with data and with its indexes (also under
temporary names). Readers keep reading the old view meanwhile: the build takes no lock
they wait on. Then one short *swap* step drops the old views and renames the new ones
(and their indexes) to the real names, and runs the file's comments and grants verbatim.
Views that read each other are built reading each other's temporary names; a view
references relations by OID, so after the renames they read the real names.

Everything here works on the source text and its parse tree (pglast): the statements
that come out are the file's own text with names replaced, never a re-rendering.
"""

from __future__ import annotations

import hashlib
import re

import pglast
from pglast import ast, visitors

from pgfresh.sources import Source, SourceError, _ident, _qident

SUFFIX = "__pgfresh"


def temp_name(name: str) -> str:
    """The temporary name of a relation or index during a build (at most 63 bytes)."""
    out = name + SUFFIX
    if len(out.encode()) <= 63:
        return out
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[:63 - len(SUFFIX) - 9]}_{digest}{SUFFIX}"


def relation_key(src: Source) -> str | None:
    """``rel:schema.name`` of the view a source file defines (None when not a view)."""
    for key, kind in zip(src.defines, src.kinds, strict=True):
        if kind in ("matview", "view"):
            return key
    return None


class _RangeVars(visitors.Visitor):
    def __init__(self) -> None:
        self.found: list[ast.RangeVar] = []

    def visit_RangeVar(self, ancestors, node):
        self.found.append(node)


def _replace_at(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, length, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[start + length:]
    return text


def _rangevar_edit(path: str, stmt: str, rv: ast.RangeVar, rename: dict[str, str]):
    key = f"rel:{rv.schemaname or 'public'}.{rv.relname}"
    if key not in rename:
        return None
    written = f"{rv.schemaname}.{rv.relname}" if rv.schemaname else rv.relname
    if stmt[rv.location:rv.location + len(written)].lower() != written.lower():
        raise SourceError(f"{path}: cannot rename {written} in its text (quoted name?): "
                          "write it unquoted for a build-then-swap")
    schema = rv.schemaname or "public"
    return (rv.location, len(written), f"{_ident(schema)}.{_ident(rename[key])}")


def build_statements(src: Source, rename: dict[str, str]) -> tuple[list[str], list[str]]:
    """(build statements, satellite statements) of a view file.

    The build is the CREATE (under its temporary name, materialized views WITH DATA) and
    the indexes (temporary names), reading the temporary names of ``rename`` (rel key ->
    temporary name). The satellites (comments, grants, ...) run verbatim after the swap.
    """
    build, satellites = [], []
    for stmt in src.statements:
        node = pglast.parse_sql(stmt)[0].stmt
        finder = _RangeVars()
        finder(node)
        edits = [e for rv in finder.found if (e := _rangevar_edit(src.path, stmt, rv, rename))]
        if isinstance(node, (ast.CreateTableAsStmt, ast.ViewStmt)):
            text = _replace_at(stmt, edits)
            if isinstance(node, ast.CreateTableAsStmt) and node.into.skipData:
                text, n = re.subn(r"WITH\s+NO\s+DATA\s*$", "WITH DATA", text, flags=re.I)
                if n != 1:
                    raise SourceError(f"{src.path}: cannot find WITH NO DATA at the end of its CREATE")
            build.append(text)
        elif isinstance(node, ast.IndexStmt):
            head = re.match(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?", stmt, re.I)
            if not node.idxname or not head or not stmt[head.end():].startswith(node.idxname):
                raise SourceError(f"{src.path}: every index of a view needs a name, written unquoted")
            edits.append((head.end(), len(node.idxname), _ident(temp_name(node.idxname))))
            build.append(_replace_at(stmt, edits))
        else:
            satellites.append(stmt)
    return build, satellites


def index_names(src: Source) -> list[str]:
    out = []
    for stmt in src.statements:
        node = pglast.parse_sql(stmt)[0].stmt
        if isinstance(node, ast.IndexStmt):
            out.append(node.idxname)
    return out


def build_sql(src: Source, rename: dict[str, str]) -> str:
    """The build block of one view file. A materialized view's build is recorded as a
    job_runs row (source 'migration'): its data is what the swap puts in place."""
    build, _ = build_statements(src, rename)
    key = relation_key(src)
    kind = src.kinds[src.defines.index(key)]
    name = key.split(".", 1)[1]
    if kind != "matview":
        return ";\n\n".join(build) + ";\n"
    literal = "'" + name.replace("'", "''") + "'"
    record = (f"INSERT INTO pgfresh.job_runs (view_name, source) VALUES ({literal}, 'migration')")
    done = (
        "UPDATE pgfresh.job_runs SET status = 'success', finished_at = pg_catalog.clock_timestamp()\n"
        f"WHERE view_name = {literal} AND source = 'migration' AND status = 'running'\n"
        "    AND backend_pid = pg_catalog.pg_backend_pid()"
    )
    return ";\n\n".join([record, *build, done]) + ";\n"


def swap_sql(drop_from: list[Source], swap_in: list[Source], then_drop: list[str] = ()) -> str:
    """The swap step: drop the old views (dependents first) and then ``then_drop`` (the
    old functions they called, renamed aside), rename the built ones in (dependencies
    first) with their indexes, then their comments and grants verbatim."""
    out = []
    for src in drop_from:
        out += src.drops
    out += then_drop
    for src in swap_in:
        key = relation_key(src)
        kind = src.kinds[src.defines.index(key)]
        qualified = key.split(":", 1)[1]
        schema, name = qualified.split(".", 1)
        what = "MATERIALIZED VIEW" if kind == "matview" else "VIEW"
        out.append(f"ALTER {what} {_ident(schema)}.{_ident(temp_name(name))} RENAME TO {_ident(name)}")
        for idx in index_names(src):
            out.append(f"ALTER INDEX {_ident(schema)}.{_ident(temp_name(idx))} RENAME TO {_ident(idx)}")
        out += build_statements(src, {})[1]
    return ";\n".join(out) + ";\n"


def swap_relations(drop_from: list[Source]) -> list[str]:
    """The relations readers hold that the swap must lock (the old views)."""
    return [_qident(relation_key(s).split(":", 1)[1]) for s in drop_from]


POPULATE_SQL = """\
DO $populate$
-- Every managed view of schema analytics holds data when this revision ends:
-- each one not populated (pg_class.relispopulated) is refreshed here, dependencies
-- first (a view that reads one not yet populated waits for the next pass), and the
-- refresh is recorded in pgfresh.job_runs with source 'migration'.
DECLARE
    v_view record;
    v_run bigint;
    v_progress boolean := TRUE;
    v_waiting text;
BEGIN
    IF pg_catalog.to_regclass('pgfresh.job_runs') IS NULL THEN
        RETURN;
    END IF;
    -- An incremental view (a table of analytics kept by pgfresh._apply_<name>(boolean))
    -- that holds no rows yet is built in full first: materialized views may read it.
    FOR v_view IN
        SELECT c.relname
          FROM pg_catalog.pg_class AS c
          JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
         WHERE n.nspname = 'analytics' AND c.relkind = 'r'
           AND pg_catalog.to_regprocedure(
                   pg_catalog.format('pgfresh.%I(boolean)', '_apply_' || c.relname)) IS NOT NULL
         ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('SELECT NOT EXISTS (SELECT FROM %I.%I)', 'analytics', v_view.relname)
           INTO v_progress;
        CONTINUE WHEN NOT v_progress;
        INSERT INTO pgfresh.job_runs (view_name, source)
        VALUES (v_view.relname, 'migration')
        RETURNING id INTO v_run;
        EXECUTE pg_catalog.format('SELECT pgfresh.%I(TRUE)', '_apply_' || v_view.relname);
        UPDATE pgfresh.job_runs
           SET status = 'success', finished_at = pg_catalog.clock_timestamp()
         WHERE id = v_run;
    END LOOP;
    v_progress := TRUE;
    WHILE v_progress LOOP
        v_progress := FALSE;
        v_waiting := NULL;
        FOR v_view IN
            SELECT c.relname
              FROM pg_catalog.pg_class AS c
              JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = 'analytics' AND c.relkind = 'm' AND NOT c.relispopulated
             ORDER BY c.relname
        LOOP
            BEGIN
                INSERT INTO pgfresh.job_runs (view_name, source)
                VALUES (v_view.relname, 'migration')
                RETURNING id INTO v_run;
                EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %I.%I', 'analytics', v_view.relname);
                UPDATE pgfresh.job_runs
                   SET status = 'success', finished_at = pg_catalog.clock_timestamp()
                 WHERE id = v_run;
                v_progress := TRUE;
            EXCEPTION WHEN object_not_in_prerequisite_state THEN
                -- it reads a materialized view not populated yet: the next pass
                v_waiting := pg_catalog.concat_ws(', ', v_waiting, v_view.relname);
            END;
        END LOOP;
    END LOOP;
    IF v_waiting IS NOT NULL THEN
        RAISE EXCEPTION 'pgfresh: cannot populate %', v_waiting
            USING ERRCODE = 'PF502',
                  DETAIL = 'They read materialized views that cannot be populated.',
                  HINT = 'Nothing was changed; check the views they read.';
    END IF;
END
$populate$"""
