"""pgfresh report --html: one self-contained page, opened in Debian's headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pgfresh.cli import main

from .conftest import connect
from .engine import install_test_views, set_failing

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
INJECTED = "<script>alert('x')</script>"


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on the page with a fresh profile; stdout and stderr returned."""
    profile = tempfile.mkdtemp(prefix="pgfresh-chromium-")
    try:
        return subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args,
                               page.as_uri()], capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_the_report_is_one_self_contained_page_that_renders_in_chromium(db, tmp_path, capsys):
    install_test_views(db)
    with connect(db) as conn:
        for view in ("mv_booking_trends", "mv_support_sla", "mv_test_fragile"):
            conn.execute("CALL pgfresh.refresh_view(%s, 'manual')", [view])
        set_failing(conn, True)
        for _ in range(4):
            conn.execute("CALL pgfresh.refresh_view('mv_test_fragile', 'manual')")
        conn.execute("INSERT INTO pgfresh.job_runs (view_name, source, status, finished_at, error_message) "
                     "VALUES ('mv_test_gated', 'manual', 'failed', clock_timestamp(), %s)", [INJECTED])
    page = tmp_path / "report.html"
    assert main(["--database-url", db, "report", "--html", str(page)]) == 0
    text = page.read_text()

    # Self-contained: nothing to fetch, no external script, style or image.
    assert not re.search(r"https?://|<link\b|\bsrc=|@import|url\(", text)
    # Freshness of every view, the open incident, escaped text from the database.
    for view in ("mv_booking_trends", "mv_customer_cohorts", "mv_test_fragile", "mv_test_gated"):
        assert f"<td>{view}</td>" in text
    incidents = text.split("<h2>Open incidents</h2>")[1].split("<h2>")[0]
    assert "<td>mv_test_fragile</td>" in incidents and "division by zero" in incidents
    assert INJECTED not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text

    dom = chromium(page, "--dump-dom", "--virtual-time-budget=3000")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # The inline script ran and counted the charts that have a drawn box: the failures per
    # day and one per view (8 shipped + the 2 test views).
    assert re.search(r'<body data-charts="11"', dom.stdout), dom.stdout[:500]
    assert dom.stdout.count('class="failure"') >= 1 and dom.stdout.count("<polyline") >= 3
    console = [ln for ln in dom.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == [], console

    shot = tmp_path / "report.png"
    run = chromium(page, f"--screenshot={shot}", "--window-size=1100,1400")
    assert run.returncode == 0, run.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert [ln for ln in run.stderr.splitlines() if ":CONSOLE" in ln] == []


def test_report_of_an_unreachable_database_is_one_line_and_exit_2(tmp_path, capsys):
    from pgfresh.localdb import free_port

    page = tmp_path / "report.html"
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    assert main(["--database-url", url, "report", "--html", str(page)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot connect" in err and not page.exists()
