"""pgfresh command line: local database, revisions, drift check, sample data, demo."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from pgfresh import config


def _cmd_db(args) -> int:
    from pgfresh.localdb import local_cluster

    cluster = local_cluster()
    if args.action == "up":
        cluster.start()
        print(config.local_url())
    elif args.action == "down":
        cluster.stop()
    elif args.action == "restart":
        cluster.stop()
        cluster.start()
        print(config.local_url())
    elif args.action == "url":
        print(config.local_url())
    elif args.action == "reset":
        cluster.destroy()
        cluster.start()
        print(config.local_url())
    elif args.action == "status":
        state = "running" if cluster.running() else "stopped"
        print(f"{state}: {config.local_url()} (data {cluster.datadir}, log {cluster.logfile})")
    return 0


def _cmd_check(args) -> int:
    from pgfresh.revision import drift

    problems = drift(Path(args.root))
    if not problems:
        print("sources match what head installs")
        return 0
    print("pgfresh check: the SQL sources differ from what head installs; "
          "run `pgfresh revision -m \"...\"`.\n")
    for p in problems:
        print(p)
    return 1


def _cmd_revision(args) -> int:
    from pgfresh.revision import generate

    path = generate(args.message, config.database_url(args.database_url), Path(args.root))
    if path is None:
        print("no changes: the SQL sources match what head installs")
        return 0
    print(f"wrote {path.relative_to(Path(args.root))}")
    return 0


def _cmd_lint(args) -> int:
    from pgfresh import lint
    from pgfresh.revision import scratch_database
    from pgfresh.sources import parse_all, read_tree

    root = Path(args.root)
    sources = parse_all(read_tree(root))
    try:
        with scratch_database(config.database_url(args.database_url), sources, root) as conn:
            findings = lint.check(conn)
    except lint.LintError as exc:
        print(f"pgfresh lint: {exc}", file=sys.stderr)
        return 2
    bad = lint.unaccepted(findings, root)
    for f in findings:
        print(("FAIL " if f in bad else "ok   ") + str(f))
    print(f"plpgsql_check: {len(findings)} findings, {len(bad)} not accepted "
          f"(accepted ones are listed in {lint.ACCEPTED_FILE})")
    return 1 if bad else 0


def _cmd_contracts(args) -> int:
    from pgfresh import contracts

    root, url = Path(args.root), config.database_url(args.database_url)
    try:
        if not args.check:
            schemas = contracts.generate(url, root)
            print(f"wrote {contracts.ROWS_DIR}/*.schema.json and {contracts.TS_DIR}/src/*.ts "
                  f"for {len(schemas)} views")
            return 0
        problems = contracts.drift(contracts.current_schemas(url, root), root)
    except contracts.ContractError as exc:
        print(f"pgfresh contracts: {exc}", file=sys.stderr)
        return 2
    if not problems:
        print("contracts match what the views produce")
        return 0
    print("pgfresh contracts --check: the committed contracts differ from what the views "
          "produce; run `make contracts` (pgfresh contracts) and commit.\n")
    for p in problems:
        print(p)
    return 1


def print_counts(counts: dict[str, int], seconds: float, what: str) -> None:
    """The summary of a sample load: rows per table, total, time."""
    width = max(len(t) for t in counts)
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>10,}")
    print(f"  {'total':<{width}}  {sum(counts.values()):>10,}")
    print(f"{what} in {seconds:.1f} s")


def _cmd_sample(args) -> int:
    import psycopg

    from pgfresh import sample

    as_of = args.as_of or sample.today(args.timezone)
    started = time.monotonic()
    try:
        with psycopg.connect(config.database_url(args.database_url), autocommit=True) as conn:
            counts = sample.load(conn, args.scale, args.seed, as_of, tz=args.timezone,
                                 truncate=args.truncate, progress=not args.quiet)
    except sample.SampleError as exc:
        print(f"pgfresh sample: {exc}", file=sys.stderr)
        return 1
    print_counts(counts, time.monotonic() - started,
                 f"loaded sample data (scale {args.scale:g}, seed {args.seed}, as of {as_of}, "
                 f"{args.timezone})")
    return 0


def _cmd_demo(args) -> int:
    from pgfresh.demo import run_demo

    return run_demo(config.database_url(args.database_url))


def _cmd_plan(args) -> int:
    from pgfresh import plan

    return plan.main(config.database_url(args.database_url), Path(args.root), args.json)


def _cmd_status(args) -> int:
    from pgfresh import status

    return status.run(config.database_url(args.database_url), status.show_status, as_json=args.json)


def _cmd_runs(args) -> int:
    from pgfresh import status

    return status.run(config.database_url(args.database_url), status.show_runs, args.view,
                      failed=args.failed, limit=args.limit)


def _cmd_report(args) -> int:
    from pgfresh import report, status

    return status.run(config.database_url(args.database_url), report.write_report, args.html, days=args.days)


def main(argv: list[str] | None = None) -> int:
    from pgfresh.sources import SourceError

    parser = argparse.ArgumentParser(prog="pgfresh", description=__doc__)
    parser.add_argument("--database-url", help="target database (default: $DATABASE_URL, "
                        "else the local demo database)")
    parser.add_argument("--root", default=str(config.ROOT), help="project root (default: this checkout)")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="the local throwaway cluster")
    db.add_argument("action", choices=["up", "down", "restart", "url", "reset", "status"])
    db.set_defaults(func=_cmd_db)

    check = sub.add_parser("check", help="exit 1 when the SQL sources differ from what head installs")
    check.set_defaults(func=_cmd_check)

    rev = sub.add_parser("revision", help="generate a revision from changed SQL sources")
    rev.add_argument("-m", "--message", required=True)
    rev.set_defaults(func=_cmd_revision)

    lint = sub.add_parser("lint", help="plpgsql_check every function of the sources "
                          "(in a scratch database)")
    lint.set_defaults(func=_cmd_lint)

    con = sub.add_parser("contracts", help="generate contracts/rows/*.schema.json and the Zod "
                         "package contracts/ts from the views (in a scratch database)")
    con.add_argument("--check", action="store_true",
                     help="write nothing; exit 1, naming view and column, when the committed "
                     "contracts differ from what the views produce")
    con.set_defaults(func=_cmd_contracts)

    smp = sub.add_parser("sample", help="fill the reference tables with a deterministic sample business")
    smp.add_argument("--scale", type=float, default=1.0,
                     help="1 = about 100,000 bookings over two years; 0.01 for tests (default 1)")
    smp.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    smp.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                     help="the data ends at noon of this day (default: today in --timezone)")
    smp.add_argument("--timezone", default="America/New_York", help="business time zone (IANA)")
    smp.add_argument("--truncate", action="store_true",
                     help="empty the 16 reference tables first (otherwise non-empty tables are refused)")
    smp.add_argument("--quiet", action="store_true", help="no progress on stderr")
    smp.set_defaults(func=_cmd_sample)

    pln = sub.add_parser("plan", help="what `alembic upgrade head` would do to the database: "
                         "steps, locks, build or swap, expected build times")
    pln.add_argument("--json", action="store_true", help="print the steps as JSON")
    pln.set_defaults(func=_cmd_plan)

    demo = sub.add_parser("demo", help="migrate, load sample data, refresh, show freshness")
    demo.set_defaults(func=_cmd_demo)

    st = sub.add_parser("status", help="freshness of every view; exit 0 fresh, 1 stale, "
                        "2 open incident or database unreachable")
    st.add_argument("--json", action="store_true", help="JSON instead of a table")
    st.set_defaults(func=_cmd_status)

    runs = sub.add_parser("runs", help="the latest refresh runs of one view")
    runs.add_argument("view", help="a managed view (mv_x or analytics.mv_x)")
    runs.add_argument("--failed", action="store_true", help="only failed runs")
    runs.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    runs.set_defaults(func=_cmd_runs)

    rep = sub.add_parser("report", help="a self-contained HTML page: freshness, refresh durations, "
                         "failures, incidents")
    rep.add_argument("--html", required=True, metavar="OUT.html", help="the file to write")
    rep.add_argument("--days", type=int, default=7, help="days of history in the charts (default 7)")
    rep.set_defaults(func=_cmd_report)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SourceError as exc:
        print(f"pgfresh: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
