"""pgfresh status and pgfresh runs: exit codes, JSON, colour only on a terminal, bad input."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from datetime import datetime

from pgfresh.cli import main
from pgfresh.localdb import free_port

from .conftest import ROOT, connect

VIEWS = ["mv_alert_candidates", "mv_booking_trends", "mv_customer_cohorts", "mv_dashboard_kpis",
         "mv_equipment_utilization", "mv_financial_summary", "mv_revenue_trends", "mv_support_sla"]
PGFRESH = str(ROOT / ".venv" / "bin" / "pgfresh")


def all_fresh(conn) -> None:
    """A successful run of every view that started just now."""
    conn.execute("INSERT INTO pgfresh.job_runs (view_name, source, status, finished_at) "
                 "SELECT v, 'test', 'success', clock_timestamp() FROM unnest(%s::text[]) AS v", [VIEWS])


def fail(conn, view: str, times: int) -> None:
    conn.execute("INSERT INTO pgfresh.job_runs "
                 "(view_name, source, status, finished_at, error_message, sqlstate) "
                 "SELECT %s, 'test', 'failed', clock_timestamp(), 'division by zero', '22012' "
                 "FROM generate_series(1, %s)", [view, times])


def test_exit_codes_fresh_stale_incident(db, capsys):
    with connect(db) as conn:
        all_fresh(conn)
        assert main(["--database-url", db, "status"]) == 0
        out = capsys.readouterr().out
        assert "0 stale" in out and out.count(" fresh ") == 8
        assert "\033[" not in out                     # piped (captured): plain text
        conn.execute("DELETE FROM pgfresh.job_runs WHERE view_name = 'mv_support_sla'")
        assert main(["--database-url", db, "status"]) == 1
        assert "mv_support_sla            stale" in capsys.readouterr().out
        fail(conn, "mv_booking_trends", 4)
        conn.execute("INSERT INTO pgfresh.alert_incidents (view_name, consecutive_failures) "
                     "VALUES ('mv_booking_trends', 4)")
        assert main(["--database-url", db, "status"]) == 2
        out = capsys.readouterr().out
        assert "1 with an open incident" in out
        line = [ln for ln in out.splitlines() if ln.startswith("mv_booking_trends")][0]
        assert line.split()[1] == "incident"


def test_json_has_every_view_with_times_in_the_business_time_zone(db, capsys):
    with connect(db) as conn:
        all_fresh(conn)
        fail(conn, "mv_revenue_trends", 2)
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES ('business_timezone', 'Asia/Kolkata')")
    assert main(["--database-url", db, "status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["timezone"] == "Asia/Kolkata" and doc["exit_code"] == 0
    rows = {r["view_name"]: r for r in doc["views"]}
    assert sorted(rows) == VIEWS
    assert rows["mv_revenue_trends"]["state"] == "failing"
    assert rows["mv_revenue_trends"]["consecutive_failures"] == 2
    sla = rows["mv_support_sla"]
    assert datetime.fromisoformat(sla["last_success_at"]).utcoffset().total_seconds() == 19800
    assert isinstance(sla["age"], float) and sla["expected_interval"] == 300


def test_colour_on_a_terminal_only(db):
    with connect(db) as conn:
        all_fresh(conn)
        conn.execute("DELETE FROM pgfresh.job_runs WHERE view_name = 'mv_support_sla'")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    leader, follower = pty.openpty()
    proc = subprocess.run([PGFRESH, "--database-url", db, "status"], stdout=follower, env=env, timeout=60)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    on_tty = b"".join(chunks).decode()
    assert proc.returncode == 1
    assert "\033[33mmv_support_sla" in on_tty          # the stale row in yellow
    piped = subprocess.run([PGFRESH, "--database-url", db, "status"], capture_output=True, text=True,
                           env=env, timeout=60)
    assert piped.returncode == 1 and "\033[" not in piped.stdout and "mv_support_sla" in piped.stdout


def test_runs_lists_the_latest_runs_and_only_failures_with_failed(db, capsys):
    with connect(db) as conn:
        all_fresh(conn)
        fail(conn, "mv_support_sla", 2)
    assert main(["--database-url", db, "runs", "analytics.mv_support_sla"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [ln.split()[2] for ln in out[2:]] == ["failed", "failed", "success"]
    assert main(["--database-url", db, "runs", "mv_support_sla", "--failed"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and all("22012" in ln for ln in out[2:])


def test_an_unknown_view_is_one_line_and_exit_2(db, capsys):
    for name in ("mv_nope", "MV_SUPPORT_SLA", "mv_support_sla; DROP TABLE pgfresh.job_runs"):
        assert main(["--database-url", db, "runs", name]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
        assert "is not a managed view" in captured.err


def test_an_unreachable_database_is_one_line_and_exit_2(capsys):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    for argv in (["status"], ["status", "--json"], ["runs", "mv_support_sla"]):
        assert main(["--database-url", url, *argv]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert len(captured.err.strip().splitlines()) == 1 and "cannot connect" in captured.err


def test_a_database_without_pgfresh_is_one_line_and_exit_2(schema_db, capsys):
    assert main(["--database-url", schema_db, "status"]) == 2
    assert "alembic upgrade head" in capsys.readouterr().err


def test_a_dashboard_reader_login_gets_the_status_in_the_business_time_zone(db, capsys):
    with connect(db) as conn:
        all_fresh(conn)
        conn.execute("INSERT INTO pgfresh.settings (key, value) "
                     "VALUES ('business_timezone', 'Europe/Berlin')")
        conn.execute("DROP ROLE IF EXISTS pgfresh_test_viewer")
        conn.execute("CREATE ROLE pgfresh_test_viewer LOGIN IN ROLE dashboard_reader")
    try:
        url = db.replace("postgres@", "pgfresh_test_viewer@")
        assert main(["--database-url", url, "status", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["timezone"] == "Europe/Berlin"
        assert main(["--database-url", url, "runs", "mv_support_sla"]) == 0
        assert "(Europe/Berlin)" in capsys.readouterr().out
    finally:
        with connect(db) as conn:
            conn.execute("DROP ROLE pgfresh_test_viewer")
