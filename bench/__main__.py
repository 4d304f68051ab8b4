"""python -m bench [--scale N] [--quick] [section ...]: every performance figure of pgfresh
in one run, printed as one table and merged into bench/results.json.

Sections (all by default at scale 1; at another scale only the growth sections, refresh
and work per hour, unless named):
  page      1 dashboard page: views vs the same rows computed live
  refresh   2 refresh per view: plain vs concurrently (and 6 refresh work per hour)
  readers   3 a reader every 10 ms during each way of refreshing
  writers   4 four clients writing bookings, with and without the triggers
  triggers  8 the capture triggers' CPU per row, next to pg_ivm's recorded figures
  latency   change -> visible through the real pg_cron queue job, reads of the real-time
            views, the queue server's idle round (bench/latency.py: its own cluster with
            pg_cron; its own table; also at the end of the full run at scale 1)
Stand-alone: refresh_status_read (read time of pgfresh.refresh_status on the demo database),
incremental_refresh, incremental_finance and incremental_trends (their own clusters:
incremental vs full refreshes of the incremental tables after one change).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import (
    dashboard_page,
    incremental_finance,
    incremental_refresh,
    incremental_trends,
    latency,
    peer,
    readers,
    refresh_cost,
    refresh_status_read,
    trigger_overhead,
    writers,
)
from bench.harness import RESULTS, Report, bench_db

SECTIONS = ["page", "refresh", "readers", "writers", "triggers"]
GROWTH = ["refresh"]


def _pairs(quick: bool, normal: int) -> int:
    return 2 if quick else normal


def growth_table(path: Path) -> None:
    """Rows 2 and 6 at scale 1 and 3 side by side, when results.json has both."""
    data = json.loads(path.read_text()) if path.exists() else {}
    if "scale 1" not in data or "scale 3" not in data:
        return
    print("\n7 growth: scale 3 / scale 1 (medians, from bench/results.json)")
    by_scale = {k: {(r["section"], r["measure"]): r for r in data[k]["rows"]} for k in ("scale 1", "scale 3")}
    for key, r1 in by_scale["scale 1"].items():
        r3 = by_scale["scale 3"].get(key)
        if r3 is None or not key[0].startswith(("2 ", "6 ")):
            continue
        for variant, s1 in r1["figures"].items():
            s3 = r3["figures"].get(variant)
            if s3 and s1["median"] > 0:
                print(f"  {key[1]:<45} {variant:<26} {s1['median']:>10.3f} -> {s3['median']:>10.3f}"
                      f"  {s3['median'] / s1['median']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", choices=[[], *SECTIONS, "trigger_overhead", "latency",
                                                          "incremental_refresh", "incremental_finance",
                                                          "incremental_trends",
                                                          "refresh_status_read"])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("scale") or 1))
    parser.add_argument("--quick", action="store_true",
                        help="two rounds each and short load rounds: checks the harness, not the figures")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to merge the results")
    args = parser.parse_args(argv)
    if args.sections == ["trigger_overhead"]:  # the original stand-alone table
        trigger_overhead.main()
        return 0
    if args.sections == ["incremental_refresh"]:  # its own cluster; PGFRESH_BENCH_SCALES="1 3"
        incremental_refresh.main()
        return 0
    if args.sections == ["incremental_finance"]:  # its own cluster; PGFRESH_BENCH_SCALES="1 3"
        incremental_finance.main()
        return 0
    if args.sections == ["incremental_trends"]:  # its own cluster; PGFRESH_BENCH_SCALES="1 3"
        incremental_trends.main()
        return 0
    if args.sections == ["latency"]:  # its own cluster with pg_cron, its own table
        latency.SCALE = args.scale
        latency.main()
        return 0
    if args.sections == ["refresh_status_read"]:  # stand-alone: on the local demo database
        refresh_status_read.main()
        return 0
    sections = args.sections or (SECTIONS if args.scale == 1 or args.quick else GROWTH)
    started = time.perf_counter()
    report = Report(f"pgfresh bench: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
                    f"{platform.node()}, {os.cpu_count()} cores, scale {args.scale:g}")
    if args.quick:
        writers.ROUND_SECONDS = 1.0
        trigger_overhead.PRELOAD_ROWS = 5_000
    with bench_db(args.scale, report) as db:
        if "page" in sections:
            dashboard_page.run(db, report, _pairs(args.quick, 5))
        if "refresh" in sections:
            costs = refresh_cost.run(db, report, _pairs(args.quick, 3))
            refresh_cost.work_per_hour(db, report, costs)
        if "readers" in sections:
            readers.run(db, report, _pairs(args.quick, 2))
        if "writers" in sections:
            writers.run(db, report, _pairs(args.quick, 4))
    if "triggers" in sections:
        trigger_overhead.add_rows(report, _pairs(args.quick, trigger_overhead.PAIRS))
        peer.run(report)
    report.facts["took"] = f"{time.perf_counter() - started:.0f} s"
    report.print()
    report.save(f"scale {args.scale:g}" + (" quick" if args.quick else ""), args.results)
    growth_table(args.results)
    print(f"\nmerged into {args.results}")
    if not args.sections and args.scale == 1 and not args.quick:
        latency.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
