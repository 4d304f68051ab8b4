"""python -m bench [name ...]: run the benchmarks (all when no name is given)."""

from __future__ import annotations

import argparse
import sys

from bench import refresh_status_read, trigger_overhead

BENCHMARKS = {"trigger_overhead": trigger_overhead.main, "refresh_status_read": refresh_status_read.main}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], help="benchmarks to run")
    args = parser.parse_args(argv)
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
