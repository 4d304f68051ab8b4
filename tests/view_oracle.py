"""The one helper of the views' oracle tests (tests/test_view_mv_*.py).

Each oracle test reads a view and the source rows it is computed from in ONE transaction,
right after ``REFRESH MATERIALIZED VIEW`` in that same transaction, so the view, the
sources, the settings and ``now()`` (the transaction timestamp, which is what the views
call "now") are one consistent ``Snapshot``. The expected rows are then computed in plain
Python from the source rows read back with ``SELECT *`` (never with the view's SQL;
zoneinfo for local days, Decimal for money: JSON numbers come back as Decimal) and
``assert_rows_equal`` compares every row and every column exactly.

Also: builders for hand-made edge cases (every timestamp given explicitly) and the
calendar helpers the daily views share. The generated data set is conftest's ``sample_db``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads

CENT = Decimal("0.01")
CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Snapshot:
    now: datetime
    settings: dict[str, str]
    rows: list[dict[str, Any]]
    sources: dict[str, list[dict[str, Any]]]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings["business_timezone"])

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def midnight(self, day: date) -> datetime:
        """The instant a local day begins (days are 23 or 25 hours on DST days)."""
        return datetime.combine(day, time(0), tzinfo=self.tz)

    def local_day(self, ts: datetime | None) -> date | None:
        return None if ts is None else ts.astimezone(self.tz).date()

    def number(self, key: str) -> Decimal:
        return Decimal(self.settings[key])

    def hours(self, key: str, factor: Decimal = Decimal(1)) -> timedelta:
        return timedelta(microseconds=int(self.number(key) * factor * 3600 * 10**6))


@contextmanager
def transaction(url: str) -> Iterator[psycopg.Connection]:
    """One connection in one transaction, rolled back at the end unless the test commits."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        set_json_loads(partial(json.loads, parse_float=Decimal), conn)
        try:
            yield conn
        finally:
            conn.rollback()


def now(conn: psycopg.Connection) -> datetime:
    return conn.execute("SELECT now() AS now").fetchone()["now"]


def clock(conn: psycopg.Connection) -> tuple[datetime, date, Callable[..., datetime]]:
    """now(), today (local) and at(day, hour, minute): a local wall-clock instant of a
    date, or of ``day`` days before today when ``day`` is an int."""
    current = now(conn)
    tz = ZoneInfo(conn.execute("SELECT pgfresh.setting('business_timezone') AS tz").fetchone()["tz"])
    today = current.astimezone(tz).date()

    def at(day: int | date, hour: int = 12, minute: int = 0) -> datetime:
        d = today - timedelta(days=day) if isinstance(day, int) else day
        return datetime.combine(d, time(hour, minute), tzinfo=tz)

    return current, today, at


def refresh_and_read(
    conn: psycopg.Connection, view: str, order_by: Iterable[str], tables: Iterable[str]
) -> Snapshot:
    """REFRESH the view, then read it, the settings and the source tables, all in the
    connection's current transaction."""
    name = sql.Identifier("analytics", view)
    conn.execute(sql.SQL("REFRESH MATERIALIZED VIEW {}").format(name))
    order = sql.SQL(", ").join(sql.Identifier(c) for c in order_by)
    rows = conn.execute(sql.SQL("SELECT * FROM {} ORDER BY {}").format(name, order)).fetchall()
    settings = {
        r["key"]: r["value"]
        for r in conn.execute(
            "SELECT key, pgfresh.setting(key) AS value FROM pgfresh.setting_defaults()"
        ).fetchall()
    }
    sources = {
        t: conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier("public", t))).fetchall()
        for t in tables
    }
    return Snapshot(now(conn), settings, rows, sources)


# -- computing the expected rows ---------------------------------------------------------


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def calendar(event_days: Iterable[date | None], today: date,
             start_only: Iterable[date | None] = ()) -> list[date]:
    """The rows of a daily view: every day from the earliest of the event days, the
    start-only days and today, to the latest of the event days and today."""
    ev = [d for d in event_days if d is not None]
    so = [d for d in start_only if d is not None]
    return days(min(ev + so + [today]), max(ev + [today]))


def round_half_up(value: Decimal, exp: Decimal = CENT) -> Decimal:
    """PostgreSQL's round(numeric, n): half away from zero."""
    return value.quantize(exp, rounding=ROUND_HALF_UP)


def utc_text(ts: datetime) -> str:
    """How the alert payloads write a timestamp: UTC, microseconds, Z."""
    return ts.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- comparing ---------------------------------------------------------------------------


def assert_rows_equal(actual: list[dict], expected: list[dict], key: tuple[str, ...]) -> None:
    """Exact comparison of all rows and all columns, reported row by row."""
    by_key_actual = {tuple(r[k] for k in key): r for r in actual}
    by_key_expected = {tuple(r[k] for k in key): r for r in expected}
    assert len(by_key_actual) == len(actual), "duplicate keys in the view"
    assert len(by_key_expected) == len(expected), "duplicate keys in the oracle"
    missing = sorted(set(by_key_expected) - set(by_key_actual), key=str)
    extra = sorted(set(by_key_actual) - set(by_key_expected), key=str)
    assert not missing and not extra, f"rows missing from the view: {missing[:5]}; unexpected: {extra[:5]}"
    for k, exp in by_key_expected.items():
        act = by_key_actual[k]
        assert set(act) == set(exp), f"columns differ: {sorted(set(act) ^ set(exp))}"
        diffs = {c: (act[c], exp[c]) for c in exp if not _same(act[c], exp[c])}
        assert not diffs, f"row {k}: (view, expected) differ in {diffs}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    return a == b


@cache
def _validator(contract: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((CONTRACTS / contract).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def contract_errors(contract: str, value: Any) -> list[str]:
    """What is wrong with a JSON value against contracts/<contract> (JSON Schema 2020-12),
    validated as a consumer sees it: JSON text, numbers as floats."""
    as_sent = json.loads(json.dumps(value, default=float))
    errors = _validator(contract).iter_errors(as_sent)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


# -- hand-made rows ----------------------------------------------------------------------


def set_setting(conn: psycopg.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s)"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [key, value],
    )


def insert(conn: psycopg.Connection, table: str, **values: Any) -> uuid.UUID:
    """Insert one row into public.<table>; returns its id (given or generated)."""
    values.setdefault("id", uuid.uuid4())
    cols = list(values)
    conn.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier("public", table),
            sql.SQL(", ").join(sql.Identifier(c) for c in cols),
            sql.SQL(", ").join(sql.Placeholder() for _ in cols),
        ),
        [values[c] for c in cols],
    )
    return values["id"]


def user(conn: psycopg.Connection, created_at: datetime | None = None, role: str = "customer",
         **kw: Any) -> uuid.UUID:
    uid = kw.pop("id", uuid.uuid4())
    if created_at is not None:
        kw.update(created_at=created_at, updated_at=created_at)
    return insert(conn, "users", id=uid, email=f"{uid}@example.com", full_name="Test User", role=role, **kw)


def machine(conn: psycopg.Connection, acquired_at: date = date(2020, 1, 1), **kw: Any) -> uuid.UUID:
    kw.setdefault("name", "Excavator 1")
    kw.setdefault("category", "excavator")
    kw.setdefault("daily_rate", Decimal("100.00"))
    return insert(conn, "equipment", acquired_at=acquired_at, **kw)


def booking(
    conn: psycopg.Connection, user_id: uuid.UUID, equipment_id: uuid.UUID,
    start_at: datetime, end_at: datetime, status: str = "completed", **kw: Any,
) -> uuid.UUID:
    kw.setdefault("total_amount", Decimal("300.00"))
    kw.setdefault("created_at", start_at - timedelta(days=3))
    kw.setdefault("updated_at", kw["created_at"])
    if status == "cancelled":
        kw.setdefault("cancelled_at", kw["created_at"] + timedelta(hours=1))
    return insert(
        conn, "bookings", user_id=user_id, equipment_id=equipment_id, status=status,
        start_at=start_at, end_at=end_at, **kw,
    )


def payment(conn: psycopg.Connection, booking_id: uuid.UUID, user_id: uuid.UUID, kind: str,
            amount: str, paid_at: datetime | None, status: str = "succeeded", **kw: Any) -> uuid.UUID:
    """A payments row; created_at is paid_at unless given (give it when paid_at is None)."""
    if paid_at is not None:
        kw.setdefault("created_at", paid_at)
    return insert(conn, "payments", booking_id=booking_id, user_id=user_id, kind=kind, status=status,
                  amount=Decimal(amount), paid_at=paid_at, **kw)


def installment(conn: psycopg.Connection, booking_id: uuid.UUID, kind: str, amount_due: str,
                created_at: datetime, due_at: datetime, status: str = "scheduled", **kw: Any) -> uuid.UUID:
    return insert(conn, "payment_schedules", booking_id=booking_id, kind=kind, amount_due=Decimal(amount_due),
                  due_at=due_at, status=status, created_at=created_at, **kw)


def insurance(conn: psycopg.Connection, booking_id: uuid.UUID, user_id: uuid.UUID, submitted_at: datetime,
              due_at: datetime, status: str = "pending", **kw: Any) -> uuid.UUID:
    kw.setdefault("created_at", submitted_at)
    return insert(conn, "insurance_documents", booking_id=booking_id, user_id=user_id, status=status,
                  submitted_at=submitted_at, due_at=due_at, **kw)


def utilization(conn: psycopg.Connection, equipment_id: uuid.UUID, usage_date: date, hours_used,
                hours_available=24) -> uuid.UUID:
    return insert(conn, "equipment_utilization", equipment_id=equipment_id, usage_date=usage_date,
                  hours_used=Decimal(hours_used), hours_available=Decimal(hours_available))


def manual_payment(conn: psycopg.Connection, booking_id: uuid.UUID, user_id: uuid.UUID, amount: str,
                   received_at: datetime, method: str = "cash", **kw: Any) -> uuid.UUID:
    return insert(conn, "manual_payments", booking_id=booking_id, user_id=user_id, method=method,
                  amount=Decimal(amount), received_at=received_at, created_at=received_at, **kw)


def payout(conn: psycopg.Connection, amount: str, created_at: datetime, status: str = "pending",
           **kw: Any) -> uuid.UUID:
    kw.setdefault("expected_at", created_at)
    return insert(conn, "payout_reconciliations", stripe_payout_id=f"po_{uuid.uuid4().hex[:12]}",
                  amount=Decimal(amount), status=status, created_at=created_at, updated_at=created_at, **kw)


def ledger(conn: psycopg.Connection, kind: str, amount: str, occurred_at: datetime, **kw: Any) -> uuid.UUID:
    return insert(conn, "financial_transactions", kind=kind, amount=Decimal(amount), occurred_at=occurred_at,
                  created_at=occurred_at, **kw)
