"""Linters over the SQL sources and the Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

BIN = Path(sys.executable).parent
SQL_DIRS = ["setup", "tables", "functions", "views", "triggers", "cron", "schema"]


def test_sqlfluff_lint_passes_on_the_sql_sources():
    dirs = [d for d in SQL_DIRS if any((ROOT / d).glob("*.sql"))]
    result = subprocess.run(
        [str(BIN / "sqlfluff"), "lint", "--dialect", "postgres", "--processes", "2", *dirs],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_ruff_passes_on_the_python():
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "src", "tests", "migrations", "bench"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:]
