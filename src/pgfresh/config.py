"""Where things are: the project root, the local cluster, the database URL."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("PGFRESH_ROOT", Path(__file__).resolve().parents[2]))

# The local throwaway cluster (make db-up). Every value can be overridden by env vars.
LOCAL_PORT = int(os.environ.get("PGFRESH_PORT", "54315"))
LOCAL_HOME = Path(os.environ.get("PGFRESH_HOME", ROOT / ".pgfresh"))
# pg_cron lives in one database per cluster; the demo's data lives in that database,
# as on Supabase where the cron database is the application database.
DEMO_DB = os.environ.get("PGFRESH_DEMO_DB", "pgfresh_demo")


def local_url(dbname: str = DEMO_DB, port: int = LOCAL_PORT) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{dbname}"


def database_url(explicit: str | None = None) -> str:
    """The target database: --database-url, else $DATABASE_URL, else the local demo database."""
    url = explicit or os.environ.get("DATABASE_URL") or local_url()
    return libpq_url(url)


def libpq_url(url: str) -> str:
    """A URL psycopg accepts (drops SQLAlchemy's '+driver' suffix)."""
    scheme, sep, rest = url.partition("://")
    return scheme.split("+", 1)[0] + sep + rest


def sqlalchemy_url(url: str) -> str:
    scheme, sep, rest = libpq_url(url).partition("://")
    return "postgresql+psycopg" + sep + rest
