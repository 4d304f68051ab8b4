"""Alembic environment for pgfresh.

The connection comes, in this order, from ``config.attributes["connection"]`` (an Engine
or a Connection, so tests and pytest-alembic can inject one), ``sqlalchemy.url``,
``$DATABASE_URL``, or the local demo database. Alembic's version table lives in schema
``pgfresh``, which is created here before the first revision runs.
"""

import os
import re
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, Engine, create_engine, pool

from pgfresh import config as pgfresh_config
from pgfresh.migration import BOOTSTRAP_SQL, LOCK_ATTEMPTS, LOCK_TIMEOUT, without_cron

config = context.config
if config.config_file_name is not None and not config.attributes.get("quiet"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

VERSION_TABLE = {"version_table": "alembic_version", "version_table_schema": "pgfresh"}


def _url() -> str:
    return pgfresh_config.sqlalchemy_url(
        config.get_main_option("sqlalchemy.url") or pgfresh_config.database_url()
    )


def _begin_commit() -> bool:
    """Offline (--sql), the script is one BEGIN ... COMMIT, unless `-x begin_commit=false`:
    for a runner that puts each file in a transaction of its own (the Supabase CLI runs a
    migration file as one transaction, and a COMMIT in it would end that early)."""
    value = context.get_x_argument(as_dictionary=True).get("begin_commit", "true")
    return str(value).lower() not in ("0", "false", "off", "no")


def run_offline() -> None:
    context.configure(url=_url(), literal_binds=True, transactional_ddl=_begin_commit(), **VERSION_TABLE)
    with context.begin_transaction():
        for stmt in [*_session_settings(), BOOTSTRAP_SQL]:
            context.get_context().impl.static_output(stmt + ";\n")
        context.run_migrations()


def _option(name: str, default: str) -> str:
    """`alembic -x name=value`, else $PGFRESH_<NAME>, else the default."""
    return str(
        config.attributes.get(name)
        or context.get_x_argument(as_dictionary=True).get(name)
        or os.environ.get(f"PGFRESH_{name.upper()}")
        or default
    )


def _session_settings() -> list[str]:
    """Settings of the migration transaction. Every lock wait is bounded by lock_timeout
    (default 500ms); a step that takes locks readers or writers queue behind is tried
    lock_attempts times (default 8) before it fails with PF501 (pgfresh.migration)."""
    timeout = _option("lock_timeout", LOCK_TIMEOUT)
    attempts = _option("lock_attempts", str(LOCK_ATTEMPTS))
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*(ms|s|min)?", timeout):
        raise SystemExit(f"pgfresh: lock_timeout {timeout!r}: a duration such as 2s or 500ms")
    if not re.fullmatch(r"[1-9][0-9]{0,2}", attempts):
        raise SystemExit(f"pgfresh: lock_attempts {attempts!r}: a whole number from 1 to 999")
    out = [f"SET LOCAL lock_timeout = '{timeout}'", f"SET LOCAL pgfresh.lock_attempts = '{attempts}'"]
    if without_cron():
        out.append("SET LOCAL pgfresh.without_cron = 'on'")
    return out


def _run(connection: Connection) -> None:
    context.configure(connection=connection, transactional_ddl=True, **VERSION_TABLE)
    with context.begin_transaction():
        for stmt in [*_session_settings(), BOOTSTRAP_SQL]:
            connection.exec_driver_sql(stmt)
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = given if isinstance(given, Engine) else create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
