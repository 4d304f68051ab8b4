"""make demo: migrate the local demo database, load sample data, refresh, show the schedules,
end with `pgfresh status`."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import psycopg
from alembic import command

from pgfresh import config, cronexpr, sample
from pgfresh.revision import alembic_config, load_schema
from pgfresh.status import show_status

SAMPLE_SCALE = 1
SAMPLE_SEED = 42


def _table(cur: psycopg.Cursor, title: str) -> None:
    rows = cur.fetchall()
    names = [d.name for d in cur.description]
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    print(f"\n== {title}")
    print("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def load_sample_if_empty(
    conn: psycopg.Connection, scale: float = SAMPLE_SCALE, seed: int = SAMPLE_SEED
) -> dict[str, int] | None:
    """Load the sample data set (as of today) unless public.bookings has rows already."""
    if conn.execute("SELECT EXISTS (SELECT FROM public.bookings)").fetchone()[0]:
        print("public.bookings has rows: keeping the data that is there")
        return None
    from pgfresh.cli import print_counts

    print(f"loading sample data (scale {scale:g}, seed {seed})")
    started = time.monotonic()
    counts = sample.load(conn, scale, seed, progress=True)
    print_counts(counts, time.monotonic() - started, "loaded sample data")
    return counts


KPIS_SQL = """
SELECT snapshot_date,
       metrics #>> '{bookings,value}' AS bookings,
       metrics #>> '{bookings,wow_pct}' AS bookings_wow_pct,
       metrics #>> '{revenue,value}' AS revenue,
       metrics #>> '{revenue,dod_pct}' AS revenue_dod_pct,
       metrics #>> '{utilization,value}' AS utilization_pct,
       metrics #>> '{active_customers,value}' AS active_customers,
       metrics #>> '{outstanding_balances,value}' AS outstanding,
       (SELECT string_agg(a.key, ',' ORDER BY a.key) FROM jsonb_each(alerts) AS a
         WHERE a.value = 'true') AS alerts
FROM analytics.mv_dashboard_kpis
ORDER BY snapshot_date DESC
LIMIT 7
"""



def run_demo(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('public.bookings')").fetchone()[0] is None:
            print("loading the reference source tables (schema/)")
            load_schema(conn, config.ROOT)

    print("alembic upgrade head")
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    command.upgrade(cfg, "head")

    with psycopg.connect(url, autocommit=True) as conn:
        load_sample_if_empty(conn)
        views = [r[0] for r in conn.execute(
            "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order")]
        print(f"refreshing {', '.join(views)} (CALL pgfresh.refresh_view, in dependency order)")
        for view in views:
            conn.execute("CALL pgfresh.refresh_view(%s, 'demo')", [view])
        _table(conn.execute(
            "SELECT id, view_name, source, status, duration, error_message FROM pgfresh.job_runs "
            "ORDER BY id DESC LIMIT %s", [len(views)]), "pgfresh.job_runs (this refresh)")
        _table(conn.execute(KPIS_SQL), "analytics.mv_dashboard_kpis (latest 7 local days)")
        show_schedules(conn)
        print("\n== pgfresh status")
        show_status(conn)
    return 0


SCHEDULES_SQL = """
SELECT j.jobname, j.schedule, j.active, j.command,
       coalesce((SELECT string_agg(p.view_name || CASE WHEN p.business_hours_cron_job = j.jobname
                                                      THEN ' (business hours)' ELSE '' END,
                                   ', ' ORDER BY p.view_name)
                 FROM pgfresh.refresh_policies AS p
                 INNER JOIN pgfresh.managed_views() AS m ON p.view_name = m.view_name
                 WHERE j.jobname IN (p.cron_job, p.business_hours_cron_job)), '') AS views
FROM cron.job AS j
WHERE j.database = current_database() AND j.jobname LIKE 'cron\\_dashboard\\_%'
ORDER BY j.jobname
"""

SLOT_SQL = """
SELECT p.view_name, s.slot_start,
       CASE WHEN s.business_hours THEN p.business_hours_cron_job ELSE p.cron_job END AS cron_job
FROM pgfresh.refresh_policies AS p
CROSS JOIN LATERAL pgfresh.schedule_slot(
    %(at)s, pgfresh.setting('business_timezone'), p.cadence, p.refresh_every, p.business_hours_every,
    pgfresh.setting('business_hours_start')::time, pgfresh.setting('business_hours_end')::time,
    pgfresh.setting('nightly_at')::time) AS s
WHERE NOT p.paused AND p.view_name IN (SELECT m.view_name FROM pgfresh.managed_views() AS m)
"""


def _print_rows(title: str, names: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    print(f"\n== {title}")
    print("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def show_schedules(conn: psycopg.Connection) -> None:
    """The installed pg_cron jobs of pgfresh with their next ticks, and each scheduled
    view's next refresh, in the business's local time (views that exist only)."""
    if conn.execute("SELECT to_regclass('cron.job')").fetchone()[0] is None:
        print("\n== pg_cron is not installed in this database: no schedules (see docs/operating-pg-cron.md)")
        return
    zone = ZoneInfo(conn.execute("SELECT pgfresh.setting('business_timezone')").fetchone()[0])
    now = dt.datetime.now(dt.timezone.utc)

    def local(t: dt.datetime) -> str:
        return t.astimezone(zone).strftime("%a %H:%M %Z")

    jobs, rows = {}, []
    for job, schedule, active, command_sql, views in conn.execute(SCHEDULES_SQL).fetchall():
        jobs[job] = schedule if active else None
        nxt = local(cronexpr.next_run(schedule, now)) if active else "inactive"
        rows.append([job, schedule, nxt, command_sql, views])
    _print_rows(f"pg_cron jobs (schedules in UTC, next tick in {zone.key})",
                ["job", "schedule", "next tick", "command", "its views (refreshed when due)"], rows)

    # A view's next scheduled refresh: the first tick of its slot's job at which a slot
    # begun after now is current (pgfresh.due_views would then find it due).
    due_now = {r[0] for r in conn.execute("SELECT view_name FROM pgfresh.due_views()")}
    scheduled = {r[0] for r in conn.execute(
        "SELECT p.view_name FROM pgfresh.refresh_policies AS p "
        "INNER JOIN pgfresh.managed_views() AS m ON p.view_name = m.view_name WHERE NOT p.paused")}
    upcoming: list[tuple[dt.datetime, str]] = []
    for job, schedule in jobs.items():
        t = now
        while schedule and not cronexpr.is_seconds(schedule) and t - now < dt.timedelta(days=1):
            t = cronexpr.next_run(schedule, t)
            upcoming.append((t, job))
    found: dict[str, tuple[dt.datetime, str]] = {}
    for t, job in sorted(upcoming):
        if set(found) >= scheduled:
            break
        for view, slot_start, slot_job in conn.execute(SLOT_SQL, {"at": t}).fetchall():
            if view not in found and slot_job == job and (view in due_now or slot_start > now):
                found[view] = (t, job)
    rows = [[view, local(t), job] for view, (t, job) in sorted(found.items(), key=lambda kv: (kv[1], kv[0]))]
    _print_rows(f"next scheduled refresh of each view ({zone.key})", ["view", "next refresh", "by job"], rows)
