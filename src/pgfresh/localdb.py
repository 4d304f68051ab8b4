"""A throwaway PostgreSQL 15 cluster with pg_cron, for the demo and the tests.

initdb refuses to run as root, so when we are root the cluster runs as an unprivileged
OS user (PGFRESH_OS_USER, default ``pgfresh``) created on first use; as a normal user it
runs as that user. The cluster listens on 127.0.0.1:<port> and on a socket directory of
its own; pg_cron's jobs connect through that socket (``cron.host``), so nothing else on
the machine is touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

PG_BIN = Path(os.environ.get("PGFRESH_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = os.environ.get("PGFRESH_OS_USER", "pgfresh")


class LocalDbError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_os_user() -> None:
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER],
            check=True,
        )


def _check_traversable(path: Path) -> None:
    """The cluster's OS user must reach its data directory through every parent."""
    for parent in path.resolve().parents:
        if not os.stat(parent).st_mode & 0o001:
            raise LocalDbError(
                f"{parent} is not searchable by other users, so the cluster's OS user "
                f"{OS_USER!r} cannot reach {path}. Set PGFRESH_HOME to a directory it can "
                "reach (for example under /tmp)."
            )


@dataclass
class Cluster:
    home: Path
    port: int
    cron_db: str

    @property
    def datadir(self) -> Path:
        return self.home / "data"

    @property
    def sockdir(self) -> Path:
        return self.home / "run"

    @property
    def logfile(self) -> Path:
        return self.home / "postgres.log"

    def url(self, dbname: str | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname or self.cron_db}"

    # -- running commands as the cluster's owner ------------------------------------

    def _as_owner(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            args = ["runuser", "-u", OS_USER, "--", *args]
        return subprocess.run(args, check=True, **kw)

    def _chown(self, *paths: Path) -> None:
        if os.geteuid() == 0:
            for p in paths:
                shutil.chown(p, OS_USER, OS_USER)

    # -- lifecycle --------------------------------------------------------------------

    def initialized(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists() and self._ping()

    def _ping(self) -> bool:
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise LocalDbError(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): run make setup")
        if not Path("/usr/lib/postgresql/15/lib/pg_cron.so").exists():
            raise LocalDbError("pg_cron is not installed (postgresql-15-cron): run make setup")
        if os.geteuid() == 0:
            _ensure_os_user()
        self.home.mkdir(parents=True, exist_ok=True)
        self.sockdir.mkdir(exist_ok=True)
        self._chown(self.home, self.sockdir)
        if os.geteuid() == 0:
            _check_traversable(self.home)
        self._as_owner(
            [str(PG_BIN / "initdb"), "-D", str(self.datadir), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8", "-N"],
            stdout=subprocess.DEVNULL,
        )
        conf = f"""
# --- pgfresh local cluster (throwaway: durability traded for speed) ---
port = {self.port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '{self.sockdir}'
shared_preload_libraries = 'pg_cron'
cron.database_name = '{self.cron_db}'
cron.host = '{self.sockdir}'
max_worker_processes = 16
max_connections = 100
timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
log_line_prefix = '%m [%p] %d '
"""
        with open(self.datadir / "postgresql.conf", "a") as f:
            f.write(conf)

    def start(self) -> None:
        if not self.initialized():
            self.init()
        if self.running():
            return
        self.logfile.touch()
        self._chown(self.logfile)
        self._as_owner(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
             "-w", "-t", "60", "start"],
            stdout=subprocess.DEVNULL,
        )
        self.ensure_database(self.cron_db)
        with psycopg.connect(self.url(self.cron_db), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_cron")

    def stop(self) -> None:
        if self.initialized() and (self.datadir / "postmaster.pid").exists():
            self._as_owner(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
            )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    # -- databases --------------------------------------------------------------------

    def ensure_database(self, name: str, template: str = "template0") -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self._ping():
            if time.monotonic() > deadline:
                raise LocalDbError(f"cluster on port {self.port} did not answer; see {self.logfile}")
            time.sleep(0.1)


def local_cluster() -> Cluster:
    from pgfresh import config

    return Cluster(home=config.LOCAL_HOME, port=config.LOCAL_PORT, cron_db=config.DEMO_DB)
