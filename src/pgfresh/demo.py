"""make demo: migrate the local demo database, load sample data, refresh, show freshness."""

from __future__ import annotations

import time

import psycopg
from alembic import command

from pgfresh import config, sample
from pgfresh.revision import alembic_config, load_schema

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
        print("refreshing analytics.mv_booking_trends")
        conn.execute("REFRESH MATERIALIZED VIEW analytics.mv_booking_trends")
        cur = conn.execute(
            "SELECT * FROM analytics.mv_booking_trends ORDER BY bucket_date DESC LIMIT 10"
        )
        _table(cur, "analytics.mv_booking_trends (latest 10 days)")
    return 0
