"""Test databases: one throwaway PostgreSQL 15 cluster with pg_cron per test session.

Layout (pg_cron lives in ONE database per cluster, see POSTGRES-NOTES):
- ``cron_db``: the cluster's ``cron.database_name`` database, with pg_cron and schema/
  loaded: the production case (on Supabase the cron database is the application
  database). Migration and schedule tests run here; each test leaves it at base.
- ``db``: a fresh database per test, copied in 0.1 s from a template that has schema/
  loaded and head applied (pgfresh.without_cron = on: no schedules), for tests of the
  views and the engine that do not need pg_cron.
"""

from __future__ import annotations

import os
import signal
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from alembic import command
from pytest_postgresql.janitor import DatabaseJanitor

from pgfresh import config
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

ROOT = config.ROOT
CRON_DB = "pgfresh_cron"
SCHEMA_TEMPLATE = "pgfresh_tpl_schema"
HEAD_TEMPLATE = "pgfresh_tpl_head"


def run_alembic(
    url: str, action: str, target: str, root: Path = ROOT, without_cron: bool | None = None
) -> None:
    """Run an Alembic command. Outside the pg_cron database the schedules are skipped
    (-x without_cron=true) unless ``without_cron=False`` says otherwise."""
    if without_cron is None:
        without_cron = url.rsplit("/", 1)[1] != CRON_DB
    cfg = alembic_config(root, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = without_cron
    getattr(command, action)(cfg, target)


def connect(url: str, **kw) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, **kw)


@contextmanager
def database(cluster: Cluster, name: str, template: str) -> Iterator[str]:
    """A database copied from ``template`` for the block (0.1 s here), dropped after it:
    pytest-postgresql's DatabaseJanitor against the session's own cluster (its
    ``postgresql_noproc`` way: its own ``postgresql_proc`` runs initdb as the current user,
    which fails under root, while Cluster runs the server as an unprivileged OS user)."""
    with DatabaseJanitor(user="postgres", host="127.0.0.1", port=cluster.port, dbname=name,
                         template_dbname=template):
        yield cluster.url(name)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    home = Path(tempfile.mkdtemp(prefix="pgfresh-test-"))
    os.chmod(home, 0o755)
    c = Cluster(home=home, port=free_port(), cron_db=CRON_DB)
    # A SIGTERM (a CI time-out, a kill) becomes KeyboardInterrupt, so pytest still runs
    # this fixture's finally and the throwaway cluster does not outlive the session.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    c.start()
    try:
        yield c
    finally:
        c.destroy()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def schema_template(cluster: Cluster) -> Iterator[str]:
    with database(cluster, SCHEMA_TEMPLATE, "template0") as url:
        with connect(url) as conn:
            load_schema(conn, ROOT)
        with connect(cluster.url(CRON_DB)) as conn:
            load_schema(conn, ROOT)
        yield SCHEMA_TEMPLATE


@pytest.fixture(scope="session")
def head_template(cluster: Cluster, schema_template: str) -> Iterator[str]:
    with database(cluster, HEAD_TEMPLATE, schema_template) as url:
        run_alembic(url, "upgrade", "head")
        yield HEAD_TEMPLATE


def _fresh(cluster: Cluster, template: str) -> Iterator[str]:
    with database(cluster, f"t_{uuid.uuid4().hex[:10]}", template) as url:
        yield url


@pytest.fixture
def db(cluster: Cluster, head_template: str) -> Iterator[str]:
    """URL of a fresh database with schema/ and head installed (no pg_cron)."""
    yield from _fresh(cluster, head_template)


@pytest.fixture
def schema_db(cluster: Cluster, schema_template: str) -> Iterator[str]:
    """URL of a fresh database with only schema/ loaded (nothing of pgfresh)."""
    yield from _fresh(cluster, schema_template)


@pytest.fixture
def cron_db(cluster: Cluster, schema_template: str) -> Iterator[str]:
    """URL of the pg_cron database, at base; left at base after the test."""
    url = cluster.url(CRON_DB)
    try:
        yield url
    finally:
        run_alembic(url, "downgrade", "base")


SAMPLE_DB = "pgfresh_sample"
SAMPLE_SCALE = 0.02
SAMPLE_SEED = 5


@pytest.fixture(scope="session")
def sample_db(cluster: Cluster, head_template: str) -> Iterator[str]:
    """URL of a database with schema/ + head and the generated data set (pgfresh.sample at
    SAMPLE_SCALE), made once per session, whose reference instant is at or before now():
    the sample's "now" is noon of as_of, the latest local date whose noon has passed.
    Tests read its rows and refresh views in it; none may change its source rows or
    settings (tests/view_oracle.py reads in transactions it rolls back)."""
    from pgfresh import sample

    with database(cluster, SAMPLE_DB, head_template) as url:
        with connect(url) as conn:
            tz = ZoneInfo(conn.execute("SELECT pgfresh.setting('business_timezone')").fetchone()[0])
            as_of = (datetime.now(tz) - timedelta(hours=12)).date()
            sample.load(conn, scale=SAMPLE_SCALE, seed=SAMPLE_SEED, as_of=as_of)
        yield url
