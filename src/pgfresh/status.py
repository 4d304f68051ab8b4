"""pgfresh status / pgfresh runs: the freshness of the views in a terminal, as a health check.

`pgfresh status` prints pgfresh.refresh_status with times in the business time zone
and exits 0 when every view is fresh, 1 when one is stale, 2 when an incident is open or
the database cannot be read (so it works as a container or load-balancer health check).
`pgfresh runs VIEW [--failed]` lists the view's latest job_runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from zoneinfo import ZoneInfo

import psycopg

EXIT_FRESH, EXIT_STALE, EXIT_INCIDENT = 0, 1, 2
RED, YELLOW, GREEN, DIM, RESET = "\033[31m", "\033[33m", "\033[32m", "\033[2m", "\033[0m"


class StatusError(Exception):
    """The database cannot be read, or the input names nothing: one line, exit 2."""


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        detail = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        raise StatusError(f"cannot connect to the database: {detail or 'connection failed'}") from None


def business_zone(rows: list[dict]) -> ZoneInfo:
    """The business time zone, as refresh_status gives it (UTC when no view exists)."""
    return ZoneInfo(rows[0]["business_timezone"] if rows else "UTC")


def fetch_status(conn: psycopg.Connection) -> list[dict]:
    if conn.execute("SELECT to_regclass('pgfresh.refresh_status')").fetchone()[0] is None:
        raise StatusError("pgfresh.refresh_status does not exist: run alembic upgrade head")
    cur = conn.execute("SELECT * FROM pgfresh.refresh_status ORDER BY view_name")
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def state_of(row: dict) -> str:
    """One word per view: incident, stale, failing, paused, fresh, unscheduled."""
    if row["incident_id"] is not None:
        return "incident"
    if row["is_stale"]:
        return "stale"
    if row["consecutive_failures"]:
        return "failing"
    if row["paused"]:
        return "paused"
    return "fresh" if row["cadence"] else "unscheduled"


def exit_code(rows: list[dict]) -> int:
    if any(r["incident_id"] is not None for r in rows):
        return EXIT_INCIDENT
    return EXIT_STALE if any(r["is_stale"] for r in rows) else EXIT_FRESH


def short_age(value: dt.timedelta | None) -> str:
    if value is None:
        return "-"
    secs = int(value.total_seconds())
    days, rest = divmod(secs, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def seconds(value: dt.timedelta | None) -> str:
    return "-" if value is None else f"{value.total_seconds():.1f}s"


def local_time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    return "-" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _color_enabled(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def print_table(headers: list[str], rows: list[list[str]], colors: list[str | None], color: bool,
                stream=None) -> None:
    stream = stream or sys.stdout
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=stream)
    for row, code in zip(rows, colors, strict=True):
        line = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        print(f"{code}{line}{RESET}" if color and code else line, file=stream)


STATE_COLORS = {"incident": RED, "stale": YELLOW, "failing": RED, "paused": DIM, "fresh": None,
                "unscheduled": DIM}


def show_status(conn: psycopg.Connection, as_json: bool = False, stream=None) -> int:
    stream = stream or sys.stdout
    rows = fetch_status(conn)
    zone = business_zone(rows)
    code = exit_code(rows)
    if as_json:
        print(json.dumps({"timezone": zone.key, "exit_code": code,
                          "views": [_json_row(r, zone) for r in rows]}, indent=2), file=stream)
        return code
    table = [[r["view_name"], state_of(r), local_time(r["last_success_at"], zone), short_age(r["age"]),
              short_age(r["expected_interval"]), r["last_status"] or "-", str(r["consecutive_failures"]),
              str(r["queue_pending"]), seconds(r["duration_p95"]),
              (r["last_error"] or "")[:60]] for r in rows]
    print(f"pgfresh status ({zone.key}): {len(rows)} views, "
          f"{sum(r['is_stale'] for r in rows)} stale, "
          f"{sum(r['incident_id'] is not None for r in rows)} with an open incident", file=stream)
    print_table(["view", "state", "last success", "age", "expected", "last run", "fails", "queued",
                 "p95 (1 day)", "last error"], table, [STATE_COLORS[state_of(r)] for r in rows],
                _color_enabled(stream), stream)
    return code


def _json_value(value, zone: ZoneInfo):
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _json_row(row: dict, zone: ZoneInfo) -> dict:
    """A status row for JSON: times in the business zone (ISO 8601), intervals in seconds."""
    out = {k: _json_value(v, zone) for k, v in row.items()}
    out["state"] = state_of(row)
    return out


RUNS_SQL = """
SELECT id, source, status, started_at, duration, sqlstate, error_message
FROM pgfresh.job_runs
WHERE view_name = %(view)s AND (NOT %(failed)s OR status = 'failed')
ORDER BY started_at DESC, id DESC
LIMIT %(limit)s
"""


def resolve_view(rows: list[dict], name: str) -> str:
    """A managed view's bare name (mv_x or analytics.mv_x, compared as text, never lowercased)."""
    known = [r["view_name"] for r in rows]
    bare = name.removeprefix("analytics.")
    if bare not in known:
        raise StatusError(f"{name!r} is not a managed view (one of: {', '.join(known) or 'none'})")
    return bare


def show_runs(conn: psycopg.Connection, view: str, failed: bool = False, limit: int = 20,
              stream=None) -> int:
    stream = stream or sys.stdout
    rows = fetch_status(conn)
    view = resolve_view(rows, view)
    zone = business_zone(rows)
    runs = conn.execute(RUNS_SQL, {"view": view, "failed": failed, "limit": limit}).fetchall()
    what = "failed runs" if failed else "runs"
    print(f"pgfresh runs {view}: latest {len(runs)} {what} ({zone.key})", file=stream)
    rows = [[str(i), source, status, local_time(started, zone), seconds(duration), sqlstate or "",
             (error or "")[:80]] for i, source, status, started, duration, sqlstate, error in runs]
    colors = [RED if r[2] == "failed" else YELLOW if r[2] in ("skipped", "abandoned") else None for r in rows]
    print_table(["id", "source", "status", "started", "duration", "sqlstate", "error"], rows, colors,
                _color_enabled(stream), stream)
    return 0


def run(url: str, action, *args, **kw) -> int:
    """Run one command; a database that cannot be read or a bad name is one line and exit 2."""
    try:
        with connect(url) as conn:
            return action(conn, *args, **kw)
    except StatusError as exc:
        print(f"pgfresh: {exc}", file=sys.stderr)
        return EXIT_INCIDENT
    except psycopg.Error as exc:
        print(f"pgfresh: {type(exc).__name__}: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return EXIT_INCIDENT
