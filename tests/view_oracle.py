"""Shared machinery of the oracle tests of mv_equipment_utilization, mv_customer_cohorts,
mv_support_sla and mv_alert_candidates (tests/test_view_mv_*.py).

Each oracle test reads a view and the source rows it is computed from in ONE transaction,
right after ``REFRESH MATERIALIZED VIEW`` in that same transaction, so the view, the
sources and ``now()`` (the transaction timestamp, which is what the views call "now") are
one consistent snapshot. The expected rows are then computed in plain Python from the
source rows (zoneinfo for local days, Decimal for money) and compared exactly.

Also: small builders for hand-made edge cases, and the generated sample data set.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
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
        """The instant a local day begins."""
        return datetime.combine(day, time(0), tzinfo=self.tz)

    def local_day(self, ts: datetime) -> date:
        return ts.astimezone(self.tz).date()

    def number(self, key: str) -> Decimal:
        return Decimal(self.settings[key])

    def hours(self, key: str, factor: Decimal = Decimal(1)) -> timedelta:
        return timedelta(microseconds=int(self.number(key) * factor * 3600 * 10**6))


@contextmanager
def transaction(url: str) -> Iterator[psycopg.Connection]:
    """One connection in one transaction (rolled back at the end: nothing is kept)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        set_json_loads(partial(json.loads, parse_float=Decimal), conn)
        try:
            yield conn
        finally:
            conn.rollback()


def now(conn: psycopg.Connection) -> datetime:
    return conn.execute("SELECT now() AS now").fetchone()["now"]


def clock(conn: psycopg.Connection):
    """now(), today (local) and at(days_ago, hour, minute): a local wall-clock instant."""
    current = now(conn)
    tz = ZoneInfo(conn.execute("SELECT pgfresh.setting('business_timezone') AS tz").fetchone()["tz"])
    today = current.astimezone(tz).date()

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        d = today - timedelta(days=days_ago)
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=tz)

    return current, today, at


def refresh_and_read(
    conn: psycopg.Connection, view: str, order_by: Iterable[str], tables: Iterable[str]
) -> Snapshot:
    """REFRESH the view (an incremental one: a full rebuild by the engine), then read it,
    the settings and the source tables, all in the connection's current transaction."""
    name = sql.Identifier("analytics", view)
    if conn.execute("SELECT to_regclass(%s)::oid IN (SELECT relid FROM pgfresh._managed_relations() "
                    "WHERE incremental) AS incremental", [f"analytics.{view}"]).fetchone()["incremental"]:
        # an incremental table: rebuilt in full from its row function by the engine
        run = conn.execute("SELECT status, error_message FROM pgfresh.refresh_view_now(%s, 'test', "
                           "p_full => true)", [view]).fetchone()
        assert run["status"] == "success", run
    else:
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


def round_half_up(value: Decimal, exp: Decimal = CENT) -> Decimal:
    """PostgreSQL's round(numeric, n): half away from zero."""
    return value.quantize(exp, rounding=ROUND_HALF_UP)


def utc_text(ts: datetime) -> str:
    """How the alert payloads write a timestamp: UTC, microseconds, Z."""
    return ts.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def assert_rows_equal(actual: list[dict], expected: list[dict], key: tuple[str, ...]) -> None:
    """Exact comparison of all rows and all columns, reported row by row."""
    by_key_actual = {tuple(r[k] for k in key): r for r in actual}
    by_key_expected = {tuple(r[k] for k in key): r for r in expected}
    assert len(by_key_actual) == len(actual), "duplicate keys in the view"
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


def contract_errors(contract: str, value: Any) -> list[str]:
    """What is wrong with a JSON value against contracts/<contract> (JSON Schema 2020-12),
    validated as a consumer sees it: JSON text, numbers as floats."""
    schema = json.loads((CONTRACTS / contract).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    as_sent = json.loads(json.dumps(value, default=float))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_sent)]


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


def user(conn: psycopg.Connection, role: str = "customer", **kw: Any) -> uuid.UUID:
    uid = kw.pop("id", uuid.uuid4())
    return insert(conn, "users", id=uid, email=f"{uid}@example.com", full_name="Test User", role=role, **kw)


def machine(conn: psycopg.Connection, acquired_at: date, **kw: Any) -> uuid.UUID:
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
    if status == "cancelled":
        kw.setdefault("cancelled_at", kw["created_at"] + timedelta(hours=1))
    return insert(
        conn, "bookings", user_id=user_id, equipment_id=equipment_id, status=status,
        start_at=start_at, end_at=end_at, **kw,
    )


# -- the generated sample data set ---------------------------------------------------------

_SAMPLE: dict[str, str] = {}
SAMPLE_SCALE = 0.02
SAMPLE_SEED = 5


def sample_database(cluster, head_template: str) -> str:
    """URL of one database per test session with schema/, head and the generated sample
    data (scale SAMPLE_SCALE) whose reference instant is at or before now()."""
    if "url" not in _SAMPLE:
        from pgfresh import sample

        name = f"t_sample_{uuid.uuid4().hex[:8]}"
        url = cluster.create_database(name, head_template)
        with psycopg.connect(url, autocommit=True) as conn:
            tz = ZoneInfo(conn.execute("SELECT pgfresh.setting('business_timezone')").fetchone()[0])
            current = conn.execute("SELECT now()").fetchone()[0].astimezone(tz)
            # the sample's "now" is noon of as_of: the latest local date whose noon has passed
            as_of = (current - timedelta(hours=12)).date()
            sample.load(conn, SAMPLE_SCALE, SAMPLE_SEED, as_of)
        _SAMPLE["url"] = url
    return _SAMPLE["url"]
