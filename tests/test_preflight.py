"""The preflight: a database that lacks a source column is refused, all at once, untouched."""

from __future__ import annotations

import psycopg
import pytest

from .conftest import connect, run_alembic


def test_preflight_names_every_missing_column_and_table_and_applies_nothing(schema_db):
    with connect(schema_db) as conn:
        conn.execute("ALTER TABLE public.bookings DROP COLUMN cancelled_at")
        conn.execute("ALTER TABLE public.bookings RENAME COLUMN status TO state")
        conn.execute("DROP TABLE public.insurance_documents CASCADE")
    with pytest.raises(psycopg.Error) as err:
        run_alembic(schema_db, "upgrade", "head")
    cause = err.value
    assert cause.sqlstate == "PF010"
    message = cause.diag.message_primary
    for missing in ("column public.bookings.cancelled_at", "column public.bookings.status",
                    "table public.insurance_documents"):
        assert missing in message
    with connect(schema_db) as conn:
        assert conn.execute("SELECT to_regnamespace('analytics')").fetchone()[0] is None
        assert conn.execute("SELECT to_regclass('pgfresh.alembic_version')").fetchone()[0] is None


def test_preflight_passes_on_the_reference_schema(schema_db):
    run_alembic(schema_db, "upgrade", "head")
    with connect(schema_db) as conn:
        assert conn.execute("SELECT to_regclass('analytics.mv_booking_trends')").fetchone()[0]
