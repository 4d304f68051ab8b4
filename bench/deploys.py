"""Deploys under load: what a dashboard reader sees while a revision replaces a view.

Runs against DATABASE_URL (the local demo database by default) at head; loads sample
scale 1 first when public.bookings is empty. Pauses the database's pg_cron jobs while it
runs (a scheduled refresh would hold the views) and restores them. In a copy of the
project, for each view measured: change its COMMENT (a change that replaces the view),
generate a revision, then, while one session reads the view every 10 ms:

- `alembic upgrade head` and `downgrade -1` (build-then-swap), timed;
- the same change the way revisions did it before: DROP and CREATE in one transaction.

And the issue's scenario for mv_support_sla: a 6-second dashboard read in the way.
Prints the longest reader wait, failed reads, the upgrade times, and `pgfresh plan`.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from alembic import command

from pgfresh import config, plan
from pgfresh.revision import alembic_config, generate, head_state
from pgfresh.sources import split_statements

HEAVY = ("mv_equipment_utilization", "mv_dashboard_kpis", "mv_financial_summary")
COPIED = ("setup", "tables", "functions", "views", "triggers", "cron", "schema", "migrations",
          "alembic.ini")


def _read_loop(url: str, sql: str, stop, results) -> None:
    waits, failures = [], []
    with psycopg.connect(url, autocommit=True, application_name="bench-reader") as conn:
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                conn.execute(sql).fetchall()
            except psycopg.Error as exc:
                failures.append(str(exc).splitlines()[0])
            waits.append(time.monotonic() - t0)
            time.sleep(0.01)
    results.send((waits, failures))


class Reader:
    """A dashboard in its own process (a thread would share the GIL with Alembic and
    measure Python's scheduling as well as PostgreSQL's locks)."""

    def __init__(self, url: str, view: str):
        self.stop = multiprocessing.Event()
        self.results, child = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.Process(
            target=_read_loop, args=(url, f"SELECT count(*) FROM analytics.{view}", self.stop, child),
            daemon=True)

    def start(self) -> None:
        self.process.start()

    def summary(self) -> str:
        self.stop.set()
        waits, failures = self.results.recv()
        self.process.join()
        return (f"longest read {max(waits) * 1000:,.0f} ms, {len(failures)} of "
                f"{len(waits)} reads failed" + (f" ({failures[-1]})" if failures else ""))


def migrate(url: str, root: Path, action: str, target: str) -> float:
    cfg = alembic_config(root, url)
    cfg.attributes.update({"quiet": True})
    t0 = time.monotonic()
    getattr(command, action)(cfg, target)
    return time.monotonic() - t0


def measured(url: str, view: str, action, long_read: float | None = None) -> tuple[float, str]:
    reader = Reader(url, view)
    reader.start()
    time.sleep(0.3)
    holder = None
    if long_read:
        def hold():
            with psycopg.connect(url, autocommit=True, application_name="bench-long-read") as c:
                c.execute(f"SELECT (SELECT count(*) FROM analytics.{view}), pg_sleep({long_read})")
        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        time.sleep(0.5)
    seconds = action()
    time.sleep(0.3)
    if holder:
        holder.join()
    return seconds, reader.summary()


def drop_and_create(url: str, root: Path, view: str) -> float:
    t0 = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(f"DROP MATERIALIZED VIEW analytics.{view}")
        for stmt in split_statements(view, (root / "views" / f"{view}.sql").read_text()):
            conn.execute(stmt)
    return time.monotonic() - t0


def repair(url: str, view: str) -> None:
    """After drop and create: populate the view again for the next step (not measured)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"REFRESH MATERIALIZED VIEW analytics.{view}")


def main() -> None:
    url = config.database_url()
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT count(*) FROM public.bookings").fetchone()[0] == 0:
            from pgfresh import sample
            sample.load(conn, scale=1, seed=42, as_of=sample.today("America/New_York"))
        has_cron = conn.execute("SELECT to_regclass('cron.job') IS NOT NULL").fetchone()[0]
        if has_cron:
            conn.execute("UPDATE cron.job SET active = FALSE WHERE database = current_database()")
        for view in (*HEAVY, "mv_support_sla"):
            conn.execute(f"REFRESH MATERIALIZED VIEW analytics.{view}")
    start = head_state(config.ROOT)[1]
    root = Path(tempfile.mkdtemp(prefix="pgfresh-bench-deploys-"))
    try:
        for name in COPIED:
            src = config.ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
        for view in (*HEAVY, "mv_support_sla"):
            path = root / "views" / f"{view}.sql"
            text = path.read_text()
            marker = f"COMMENT ON MATERIALIZED VIEW analytics.{view} IS\n'"
            assert marker in text, view
            path.write_text(text.replace(marker, marker + "(bench) ", 1))
            generate(f"bench {view}", url, root)
            if view == HEAVY[0]:
                print(f"== pgfresh plan for a revision that replaces {view}")
                print(plan.render(plan.plan(url, root)))
            print(f"== {view} (sample scale 1), a reader every 10 ms")
            if view == "mv_support_sla":
                for what, act in (("swap upgrade", lambda: migrate(url, root, "upgrade", "head")),
                                  ("swap downgrade", lambda: migrate(url, root, "downgrade", "-1"))):
                    s, r = measured(url, view, act, long_read=6)
                    print(f"  {what}, 6 s read in the way: {s:.1f} s; {r}")
                s, r = measured(url, view, lambda v=view: drop_and_create(url, root, v), long_read=6)
                repair(url, view)
                print(f"  drop and create (before), 6 s read in the way: {s:.1f} s; {r}")
                continue
            s, r = measured(url, view, lambda: migrate(url, root, "upgrade", "head"))
            print(f"  upgrade (build + swap): {s:.1f} s; {r}")
            s, r = measured(url, view, lambda: migrate(url, root, "downgrade", "-1"))
            print(f"  downgrade (build + swap): {s:.1f} s; {r}")
            s, r = measured(url, view, lambda v=view: drop_and_create(url, root, v))
            repair(url, view)
            print(f"  drop and create (before): {s:.1f} s; {r}")
            migrate(url, root, "upgrade", "head")
    finally:
        migrate(url, root, "downgrade", start)
        shutil.rmtree(root, ignore_errors=True)
        if has_cron:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("UPDATE cron.job SET active = TRUE WHERE database = current_database()")


if __name__ == "__main__":
    main()
