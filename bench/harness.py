"""What every benchmark shares: one throwaway cluster with the sample business, variants
measured alternately, medians with quartiles, one table and bench/results.json.

Noise on these shared machines is about +-15% from run to run, so a figure means little
alone: every ratio here is the median of per-pair ratios of two variants measured back to
back, alternating which goes first.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg
from alembic import command

from pgfresh import config, sample
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

RESULTS = Path(__file__).parent / "results.json"
SAMPLE_SEED = 42


@dataclass
class Stat:
    """Median and quartiles of a list of samples."""

    median: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, samples: list[float]) -> Stat:
        if len(samples) == 1:
            return cls(samples[0], samples[0], samples[0], 1)
        q1, q2, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        return cls(statistics.median(samples), q1, q3, len(samples))


def alternate(variants: dict[str, Callable[[], float]], pairs: int) -> dict[str, list[float]]:
    """Run each variant ``pairs`` times, round by round, alternating the order of the
    variants between rounds. Each callable does its own setup and returns the seconds (or
    other figure) of the part it measures."""
    names = list(variants)
    out: dict[str, list[float]] = {n: [] for n in names}
    for i in range(pairs):
        for name in (names if i % 2 == 0 else list(reversed(names))):
            out[name].append(variants[name]())
    return out


def ratio(numerator: list[float], denominator: list[float]) -> Stat:
    """Median (quartiles) of the per-round ratios numerator / denominator."""
    return Stat.of([a / b for a, b in zip(numerator, denominator, strict=True) if b > 0])


# One booking status change (the seed's on-demand trigger): what an incremental refresh
# of mv_equipment_utilization is measured after.
BOOKING_STATUS_CHANGE = """
UPDATE public.bookings SET status = CASE status WHEN 'confirmed' THEN 'active' ELSE 'confirmed' END
WHERE id = (SELECT id FROM public.bookings WHERE status IN ('confirmed', 'active')
            ORDER BY start_at DESC LIMIT 1)
"""


def is_incremental(conn: psycopg.Connection, view: str) -> bool:
    """Whether the engine keeps ``view`` incrementally (pgfresh._managed_relations)."""
    row = conn.execute("SELECT incremental FROM pgfresh._managed_relations() WHERE view_name = %s",
                       [view]).fetchone()
    return bool(row and row[0])


def timed(conn: psycopg.Connection, query: str, params=None) -> float:
    started = time.perf_counter()
    cur = conn.execute(query, params)
    if cur.description is not None:
        cur.fetchall()
    return time.perf_counter() - started


@dataclass
class Row:
    """One line of the table: what was measured, the variants' figures, their ratio."""

    section: str
    measure: str
    figures: dict[str, Stat]
    unit: str = "s"
    ratio: Stat | None = None
    ratio_label: str = ""
    note: str = ""
    text: str = ""  # shown instead of the figures (a recorded figure, not a measurement)


@dataclass
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.section}: {row.measure}: {_figures(row)}", flush=True)
        return row

    def print(self) -> None:
        print(f"\n{self.title}")
        for key, value in self.facts.items():
            print(f"  {key}: {value}")
        cells = [["section", "measure", "median (quartiles)", "ratio", "note"]]
        for r in self.rows:
            ratio_text = ""
            if r.ratio is not None:
                ratio_text = (f"{_num(r.ratio.median)}x ({_num(r.ratio.q1)}-{_num(r.ratio.q3)})"
                              f" {r.ratio_label}")
            cells.append([r.section, r.measure, _figures(r), ratio_text, r.note])
        widths = [max(len(c[i]) for c in cells) for i in range(5)]
        for n, c in enumerate(cells):
            print("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())
            if n == 0:
                print("  ".join("-" * w for w in widths))

    def save(self, key: str, path: Path = RESULTS) -> None:
        """Merge this run into results.json under ``key`` (e.g. "scale 1"), keeping the
        other keys, so runs at two scales can be compared."""
        data = json.loads(path.read_text()) if path.exists() else {}
        data[key] = {"title": self.title, "facts": self.facts,
                     "rows": [asdict(r) for r in self.rows]}
        path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def _num(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _fmt(stat: Stat, unit: str) -> str:
    if unit == "s":
        scale, unit = (1e3, "ms") if stat.median < 1 else (1, "s")
    else:
        scale = 1
    if stat.n == 1:
        return f"{_num(stat.median * scale)} {unit}"
    return f"{_num(stat.median * scale)} {unit} ({_num(stat.q1 * scale)}-{_num(stat.q3 * scale)})"


def _figures(row: Row) -> str:
    if row.text:
        return row.text
    return "; ".join(f"{name} {_fmt(s, row.unit)}" for name, s in row.figures.items())


@dataclass
class BenchDb:
    """The bench's own cluster: database ``bench`` is also pg_cron's database."""

    cluster: Cluster
    scale: float

    @property
    def url(self) -> str:
        return self.cluster.url("bench")

    def connect(self, **kw) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, **kw)

    def fresh_database(self, name: str) -> str:
        """A database with schema/ and head (no pg_cron jobs) but no rows."""
        self.cluster.ensure_database(name)
        url = self.cluster.url(name)
        install(url)
        return url


def install(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        load_schema(conn, config.ROOT)
    cfg = alembic_config(config.ROOT, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = True
    command.upgrade(cfg, "head")


@contextlib.contextmanager
def bench_db(scale: float, report: Report) -> Iterator[BenchDb]:
    """Start a throwaway cluster, install head, load the sample business at ``scale``
    and refresh every view once (so every view is populated before anything is timed)."""
    home = Path(tempfile.mkdtemp(prefix="pgfresh-bench-"))
    home.chmod(0o755)
    cluster = Cluster(home=home, port=free_port(), cron_db="bench")
    cluster.start()
    try:
        db = BenchDb(cluster, scale)
        install(db.url)
        started = time.perf_counter()
        with db.connect() as conn:
            counts = sample.load(conn, scale, SAMPLE_SEED, sample.today(), progress=False)
            conn.execute("VACUUM ANALYZE")
            report.facts["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
            for (view,) in conn.execute(
                    "SELECT view_name FROM pgfresh.managed_views() ORDER BY refresh_order").fetchall():
                conn.execute("CALL pgfresh.refresh_view(%s, 'bench')", [view])
        report.facts["sample"] = (f"scale {scale:g}, seed {SAMPLE_SEED}: {sum(counts.values()):,} rows, "
                                  f"{counts['bookings']:,} bookings, {counts['equipment']:,} machines; "
                                  f"loaded and refreshed in {time.perf_counter() - started:.0f} s")
        yield db
    finally:
        cluster.destroy()
