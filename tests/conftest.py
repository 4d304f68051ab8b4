"""Test databases: throwaway PostgreSQL 15 clusters with pg_cron, one per setup.

Two setups (see tests/supabase_roles.sql):
- ``superuser``: one cluster per test session, migrated and used as the superuser
  ``postgres``; its cron database is ``pgfresh_cron``.
- ``supabase``: a second small cluster, started only when a test asks for it, laid out
  like a hosted Supabase project: the superuser is ``supabase_admin``, the tests migrate
  and run as the ordinary role ``postgres`` (NOSUPERUSER, pg_monitor, ...), pg_cron was
  created by the superuser and lives in the application database ``postgres``.

A module marked ``pytestmark = pytest.mark.supabase`` runs each of its database tests
once per setup (ids ``[superuser]`` and ``[supabase]``); other tests use the superuser
setup. Per setup (``pg_setup``), the database fixtures are:
- ``cron_db``: the ``cron.database_name`` database, with pg_cron and schema/ loaded: the
  production case (on Supabase the cron database is the application database).
  Migration and schedule tests run here; each test leaves it at base.
- ``db``: a fresh database per test, copied in 0.1 s from a template that has schema/
  loaded and head applied (pgfresh.without_cron = on: no schedules), for tests of the
  views and the engine that do not need pg_cron.
- ``schema_db``: a fresh database with only schema/ loaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from alembic import command
from psycopg import sql
from pytest_postgresql.janitor import DatabaseJanitor

from pgfresh import config
from pgfresh.localdb import Cluster, free_port
from pgfresh.revision import alembic_config, load_schema

ROOT = config.ROOT
TESTS = Path(__file__).resolve().parent
CRON_DB = "pgfresh_cron"
SCHEMA_TEMPLATE = "pgfresh_tpl_schema"
HEAD_TEMPLATE = "pgfresh_tpl_head"
# On Supabase the application database is also pg_cron's database.
SUPABASE_CRON_DB = "postgres"
SETUPS = ("superuser", "supabase")


def run_alembic(
    url: str, action: str, target: str, root: Path = ROOT, without_cron: bool | None = None
) -> None:
    """Run an Alembic command. Outside the pg_cron database of its setup the schedules are
    skipped (-x without_cron=true) unless ``without_cron=False`` says otherwise."""
    if without_cron is None:
        without_cron = url.rsplit("/", 1)[1] not in (CRON_DB, SUPABASE_CRON_DB)
    cfg = alembic_config(root, url)
    cfg.attributes["quiet"] = True
    cfg.attributes["without_cron"] = without_cron
    getattr(command, action)(cfg, target)


def connect(url: str, **kw) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, **kw)


@contextlib.contextmanager
def database(cluster: Cluster, name: str, template: str, user: str = "postgres") -> Iterator[str]:
    """A database copied from ``template`` for the block (0.1 s here), dropped after it:
    pytest-postgresql's DatabaseJanitor against the session's own cluster (its
    ``postgresql_noproc`` way: its own ``postgresql_proc`` runs initdb as the current user,
    which fails under root, while Cluster runs the server as an unprivileged OS user).
    The cluster's superuser creates and drops it (so the drop may end any session, a
    test's superuser one included); ``user`` owns it and the URL connects as that user."""
    with DatabaseJanitor(user=cluster.superuser, host="127.0.0.1", port=cluster.port, dbname=name,
                         template_dbname=template):
        if user != cluster.superuser:
            with connect(cluster.url("postgres")) as conn:
                conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(name), sql.Identifier(user)))
        yield cluster.url(name, user=user)


@dataclass(frozen=True)
class Setup:
    """A cluster and the role the tests migrate and run as there."""

    name: str
    cluster: Cluster
    role: str
    schema_template: str
    head_template: str

    @property
    def cron_db(self) -> str:
        return self.cluster.cron_db

    def url(self, dbname: str) -> str:
        return self.cluster.url(dbname, user=self.role)

    def admin(self, url: str) -> str:
        """The same database as the cluster's superuser: for what only an administrator
        does (on Supabase, supabase_admin), such as scheduling another role's job."""
        return psycopg.conninfo.make_conninfo(url, user=self.cluster.superuser)

    def fresh(self, template: str) -> Iterator[str]:
        with database(self.cluster, f"t_{uuid.uuid4().hex[:10]}", template, user=self.role) as url:
            yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of a module marked ``supabase`` that use a database run once per setup."""
    if "pg_setup" in metafunc.fixturenames and metafunc.definition.get_closest_marker("supabase"):
        metafunc.parametrize("pg_setup", SETUPS, indirect=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """The superuser setup's cluster (superuser postgres, cron database pgfresh_cron)."""
    home = Path(tempfile.mkdtemp(prefix="pgfresh-test-"))
    os.chmod(home, 0o755)
    c = Cluster(home=home, port=free_port(), cron_db=CRON_DB)
    # A SIGTERM (a CI time-out, a kill) becomes KeyboardInterrupt, so pytest still runs
    # this fixture's finally and the throwaway clusters do not outlive the session.
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
        with connect(url) as conn:
            conn.execute(UNREFRESHED_SQL)
        yield HEAD_TEMPLATE


@pytest.fixture(scope="session")
def superuser_setup(cluster: Cluster, head_template: str) -> Setup:
    return Setup("superuser", cluster, "postgres", SCHEMA_TEMPLATE, head_template)


@pytest.fixture(scope="session")
def supabase_setup(cluster: Cluster) -> Iterator[Setup]:
    """The Supabase-like cluster, started on first use (about 5 s): superuser
    supabase_admin; the role postgres owns database postgres (pg_cron's) and the test
    databases, and loads schema/ and migrates in them itself. (It takes ``cluster`` so
    that it is torn down first, while the SIGTERM handler of ``cluster`` is in place.)"""
    home = Path(tempfile.mkdtemp(prefix="pgfresh-test-supabase-"))
    os.chmod(home, 0o755)
    c = Cluster(home=home, port=free_port(), cron_db=SUPABASE_CRON_DB, superuser="supabase_admin")
    try:
        c.start()
        database_sql = (TESTS / "supabase_database.sql").read_text()
        with connect(c.url("postgres")) as conn:
            conn.execute((TESTS / "supabase_roles.sql").read_text())
            conn.execute(database_sql)
        with contextlib.ExitStack() as templates:
            templates.enter_context(database(c, SCHEMA_TEMPLATE, "template0", user="postgres"))
            with connect(c.url(SCHEMA_TEMPLATE)) as conn:
                conn.execute(database_sql)
            for dbname in (SCHEMA_TEMPLATE, SUPABASE_CRON_DB):
                with connect(c.url(dbname, user="postgres")) as conn:
                    load_schema(conn, ROOT)
            head = templates.enter_context(database(c, HEAD_TEMPLATE, SCHEMA_TEMPLATE, user="postgres"))
            run_alembic(head, "upgrade", "head")
            with connect(head) as conn:
                conn.execute(UNREFRESHED_SQL)
            yield Setup("supabase", c, "postgres", SCHEMA_TEMPLATE, HEAD_TEMPLATE)
    finally:
        c.destroy()


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


@pytest.fixture
def pg_setup(request: pytest.FixtureRequest) -> Setup:
    """The setup of this test: ``superuser`` unless its module is marked ``supabase``,
    which runs it under both."""
    name = getattr(request, "param", "superuser")
    return request.getfixturevalue(f"{name}_setup")


@pytest.fixture
def db(pg_setup: Setup) -> Iterator[str]:
    """URL of a fresh database with schema/ and head installed (no pg_cron)."""
    yield from pg_setup.fresh(pg_setup.head_template)


@pytest.fixture
def schema_db(pg_setup: Setup) -> Iterator[str]:
    """URL of a fresh database with only schema/ loaded (nothing of pgfresh)."""
    yield from pg_setup.fresh(pg_setup.schema_template)


@pytest.fixture
def cron_db(pg_setup: Setup) -> Iterator[str]:
    """URL of the pg_cron database, at base; left at base after the test."""
    url = pg_setup.url(pg_setup.cron_db)
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
