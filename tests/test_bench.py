"""The bench harness cannot rot: `python -m bench --quick` on tiny data runs every
section and writes every row to its results file. No timing is asserted (the machines
are shared and noisy; figures belong to `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_the_bench_runs_every_section_on_tiny_data_and_records_every_row(tmp_path):
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--scale", "0.01", "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    run = json.loads(results.read_text())["scale 0.01 quick"]
    sections = {r["section"] for r in run["rows"]}
    assert sections >= {"1 dashboard page", "2 refresh", "3 readers during refresh",
                        "4 writers under load", "6 refresh work per hour", "8 triggers vs peer"}
    refreshed = {r["measure"] for r in run["rows"] if r["section"] == "2 refresh"}
    assert len(refreshed) == 8, refreshed
    for row in run["rows"]:
        for stat in row["figures"].values():
            assert stat["median"] >= 0 and stat["q1"] <= stat["median"] <= stat["q3"], row
    readers = [r for r in run["rows"] if r["section"] == "3 readers during refresh"]
    assert all("0 of" in r["note"] for r in readers if "CONCURRENTLY" in r["measure"])
    assert "pgfresh bench" in done.stdout and "merged into" in done.stdout
