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
from pathlib import Path

import psycopg
import pytest
from alembic import command

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
def schema_template(cluster: Cluster) -> str:
    cluster.ensure_database(SCHEMA_TEMPLATE)
    with connect(cluster.url(SCHEMA_TEMPLATE)) as conn:
        load_schema(conn, ROOT)
    with connect(cluster.url(CRON_DB)) as conn:
        load_schema(conn, ROOT)
    return SCHEMA_TEMPLATE


@pytest.fixture(scope="session")
def head_template(cluster: Cluster, schema_template: str) -> str:
    url = cluster.create_database(HEAD_TEMPLATE, schema_template)
    run_alembic(url, "upgrade", "head")
    with connect(url) as conn:
        conn.execute(UNREFRESHED_SQL)
    return HEAD_TEMPLATE


# The engine's tests start from views never refreshed and an empty job_runs history. A
# migration populates every view and records it (source 'migration': tests/test_deploys.py
# covers that); the template undoes both, so each test sees only the runs it makes.
UNREFRESHED_SQL = """
DO $$
DECLARE
    v_view record;
BEGIN
    DELETE FROM pgfresh.job_runs WHERE source = 'migration';
    PERFORM setval(pg_get_serial_sequence('pgfresh.job_runs', 'id'), 1, FALSE);
    FOR v_view IN SELECT c.relname FROM pg_catalog.pg_class AS c
                  WHERE c.relkind = 'm' AND c.relnamespace = 'analytics'::regnamespace LOOP
        EXECUTE format('REFRESH MATERIALIZED VIEW analytics.%I WITH NO DATA', v_view.relname);
    END LOOP;
END
$$
"""


def _fresh(cluster: Cluster, template: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:10]}"
    url = cluster.create_database(name, template)
    try:
        yield url
    finally:
        cluster.drop_database(name)


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
SAMPLE_SCALE = 0.01
SAMPLE_SEED = 7


@pytest.fixture(scope="session")
def sample_db(cluster: Cluster, head_template: str) -> str:
    """URL of a database with schema/ + head and the small generated data set
    (pgfresh.sample at scale 0.01, as of now), made once per session. Tests read its rows
    and refresh views in it; none may change its source rows or settings."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pgfresh import sample

    today = datetime.now(ZoneInfo("America/New_York")).date()  # the default business_timezone
    url = cluster.create_database(SAMPLE_DB, head_template)
    with connect(url) as conn:
        sample.load(conn, scale=SAMPLE_SCALE, seed=SAMPLE_SEED, as_of=today)
    return url
