"""The real monitoring programs from Debian, on loopback ports, against the test cluster.

prometheus-postgres-exporter (monitoring/postgres_exporter.yaml) -> prometheus
(monitoring/prometheus/pgfresh_rules.yml) -> prometheus-alertmanager
(monitoring/alertmanager.yml) -> a webhook receiver in this process (the engineering
channel). Only the timings are shortened (scrape and evaluation every second, Alertmanager
groups flushed after a second) and the webhook URL points here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from pgfresh.localdb import free_port

from .conftest import ROOT

MONITORING = ROOT / "monitoring"
START_SECONDS = 30


class Webhook:
    """A tiny HTTP server that records every JSON body POSTed to it, with its arrival time."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, dict]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.messages.append((time.monotonic(), json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/engineering"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def http_get(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode()


def wait_http(url: str, what: str, proc: subprocess.Popen, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            http_get(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not answer at {url}") from None
            time.sleep(0.1)


class Stack:
    """exporter + prometheus + alertmanager + webhook; ``close()`` stops them all."""

    def __init__(self, dsn: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pgfresh-monitoring-"))
        self.procs: list[subprocess.Popen] = []
        self.webhook = Webhook()
        try:
            self._start(dsn)
        except BaseException:
            self.close()
            raise

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.dir / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        log.close()
        self.procs.append(proc)
        return proc

    def _start(self, dsn: str) -> None:
        exporter_port, prom_port, am_port = free_port(), free_port(), free_port()
        self.exporter = f"http://127.0.0.1:{exporter_port}"
        self.prometheus = f"http://127.0.0.1:{prom_port}"
        self.alertmanager = f"http://127.0.0.1:{am_port}"

        exporter = self._spawn("exporter", [
            "prometheus-postgres-exporter", f"--web.listen-address=127.0.0.1:{exporter_port}",
            f"--extend.query-path={MONITORING / 'postgres_exporter.yaml'}",
            "--disable-default-metrics", "--disable-settings-metrics"],
            env={"DATA_SOURCE_NAME": dsn, "PATH": "/usr/bin:/bin"})

        am_config = yaml.safe_load((MONITORING / "alertmanager.yml").read_text())
        am_config["route"].update(group_wait="1s", group_interval="1s", repeat_interval="1h")
        (self.dir / "webhook-url").write_text(self.webhook.url)
        am_config["receivers"][0]["slack_configs"][0]["api_url_file"] = str(self.dir / "webhook-url")
        (self.dir / "alertmanager.yml").write_text(yaml.safe_dump(am_config))
        alertmanager = self._spawn("alertmanager", [
            "prometheus-alertmanager", f"--config.file={self.dir / 'alertmanager.yml'}",
            f"--storage.path={self.dir / 'am-data'}", f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address="])

        prom_config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(MONITORING / "prometheus" / "pgfresh_rules.yml")],
            "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
            "scrape_configs": [{"job_name": "pgfresh",
                                "static_configs": [{"targets": [f"127.0.0.1:{exporter_port}"]}]}],
        }
        (self.dir / "prometheus.yml").write_text(yaml.safe_dump(prom_config))
        prometheus = self._spawn("prometheus", [
            "prometheus", f"--config.file={self.dir / 'prometheus.yml'}",
            f"--storage.tsdb.path={self.dir / 'prom-data'}", f"--web.listen-address=127.0.0.1:{prom_port}"])

        wait_http(f"{self.exporter}/metrics", "prometheus-postgres-exporter", exporter)
        wait_http(f"{self.alertmanager}/-/ready", "prometheus-alertmanager", alertmanager)
        wait_http(f"{self.prometheus}/-/ready", "prometheus", prometheus)

    def query(self, promql: str) -> list[dict]:
        """An instant query's result vector."""
        url = f"{self.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        doc = json.loads(http_get(url))
        assert doc["status"] == "success", doc
        return doc["data"]["result"]

    def log(self, name: str) -> str:
        return (self.dir / f"{name}.log").read_text(errors="replace")

    def close(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.webhook.close()
        shutil.rmtree(self.dir, ignore_errors=True)
