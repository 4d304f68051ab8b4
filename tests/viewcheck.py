"""Helpers for the views' oracle tests: read source rows back, refresh a view, compare.

The expected rows of a view are computed in plain Python from the source rows read
back with ``SELECT *`` (never with the view's SQL); local days come from ``zoneinfo``.
``Rows`` inserts hand-made source rows with explicit timestamps for the edge cases.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads

CENT = Decimal("0.01")
SOURCE_TABLES = (
    "users", "equipment", "bookings", "payments", "booking_payments", "payment_schedules",
    "insurance_documents", "equipment_utilization", "equipment_maintenance", "manual_payments",
    "payout_reconciliations", "financial_transactions", "support_tickets", "notifications",
    "customer_segments", "analytics_data",
)


def open_conn(url: str) -> psycopg.Connection:
    """A connection whose JSON numbers come back as Decimal (exact comparisons)."""
    conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
    set_json_loads(lambda text: json.loads(text, parse_float=Decimal), conn)
    return conn


def business_tz(conn: psycopg.Connection) -> ZoneInfo:
    row = conn.execute("SELECT pgfresh.setting('business_timezone') AS tz").fetchone()
    return ZoneInfo(row["tz"])


def setting(conn: psycopg.Connection, key: str) -> str:
    return conn.execute("SELECT pgfresh.setting(%s) AS v", [key]).fetchone()["v"]


def set_setting(conn: psycopg.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [key, value],
    )


def read_sources(conn: psycopg.Connection, tables: Iterable[str] = SOURCE_TABLES) -> dict[str, list[dict]]:
    return {
        t: conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier("public", t))).fetchall()
        for t in tables
    }


def refresh_and_read(conn: psycopg.Connection, view: str, key: str) -> tuple[list[dict], datetime]:
    """REFRESH the view and return its rows ordered by ``key`` and the now() it saw."""
    with conn.transaction():
        now = conn.execute("SELECT now() AS now").fetchone()["now"]
        conn.execute(sql.SQL("REFRESH MATERIALIZED VIEW {}").format(sql.Identifier("analytics", view)))
    rows = conn.execute(
        sql.SQL("SELECT * FROM {} ORDER BY {}").format(sql.Identifier("analytics", view), sql.Identifier(key))
    ).fetchall()
    return rows, now


def local_day(ts: datetime | None, tz: ZoneInfo) -> date | None:
    return None if ts is None else ts.astimezone(tz).date()


def day_bounds(d: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day as aware datetimes (23 or 25 hours on DST days)."""
    return (datetime.combine(d, time(0), tzinfo=tz),
            datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def calendar(event_days: Iterable[date | None], today: date,
             start_only: Iterable[date | None] = ()) -> list[date]:
    """Every day from the earliest of the event days, the start-only days and today, to
    the latest of the event days and today."""
    ev = [d for d in event_days if d is not None]
    so = [d for d in start_only if d is not None]
    return days(min(ev + so + [today]), max(ev + [today]))


def pct(change: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if change is None or previous is None or previous == 0:
        return None
    return (Decimal(100) * change / abs(previous)).quantize(CENT, ROUND_HALF_UP)


def money(x) -> Decimal:
    return Decimal(x).quantize(CENT)


def assert_rows_equal(actual: list[dict], expected: list[dict], key: str) -> None:
    """All rows and all columns equal; on failure name the first differing rows."""
    assert [r[key] for r in actual] == [r[key] for r in expected], "different row keys"
    bad = [(e[key], a, e) for a, e in zip(actual, expected, strict=True) if a != e]
    if bad:
        lines = []
        for k, a, e in bad[:5]:
            diff = {c: (a.get(c), e.get(c)) for c in set(a) | set(e) if a.get(c) != e.get(c)}
            lines.append(f"{k}: (view, expected) {diff}")
        raise AssertionError(f"{len(bad)} rows differ, first ones:\n" + "\n".join(lines))


class Rows:
    """Hand-made source rows. Every timestamp is given explicitly (aware datetimes)."""

    def __init__(self, conn: psycopg.Connection, tz: ZoneInfo):
        self.conn = conn
        self.tz = tz
        self._n = 0

    def at(self, d: date, hh: int = 12, mm: int = 0) -> datetime:
        """Local wall-clock time in the business zone."""
        return datetime.combine(d, time(hh, mm), tzinfo=self.tz)

    def _insert(self, table: str, **cols) -> uuid.UUID:
        cols.setdefault("id", uuid.uuid4())
        q = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier("public", table),
            sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.SQL(", ").join(sql.Placeholder() * len(cols)),
        )
        self.conn.execute(q, list(cols.values()))
        return cols["id"]

    def user(self, created_at: datetime, **kw) -> uuid.UUID:
        self._n += 1
        return self._insert("users", email=f"u{self._n}@example.test", full_name=f"User {self._n}",
                            created_at=created_at, updated_at=created_at, **kw)

    def equipment(self, **kw) -> uuid.UUID:
        self._n += 1
        kw.setdefault("daily_rate", Decimal("100.00"))
        kw.setdefault("acquired_at", date(2020, 1, 1))
        return self._insert("equipment", name=f"Machine {self._n}", category="excavator", **kw)

    def booking(self, user_id, equipment_id, created_at, start_at, end_at, status="confirmed",
                total=Decimal("500.00"), deposit=Decimal("100.00"), cancelled_at=None) -> uuid.UUID:
        return self._insert("bookings", user_id=user_id, equipment_id=equipment_id, status=status,
                            start_at=start_at, end_at=end_at, total_amount=total, deposit_amount=deposit,
                            created_at=created_at, updated_at=created_at, cancelled_at=cancelled_at)

    def payment(self, booking_id, user_id, kind, amount, paid_at, method="stripe", status="succeeded",
                refund_of=None, created_at=None) -> uuid.UUID:
        return self._insert("payments", booking_id=booking_id, user_id=user_id, kind=kind, method=method,
                            status=status, amount=Decimal(amount), refund_of=refund_of, paid_at=paid_at,
                            created_at=created_at or paid_at or self.at(date(2024, 1, 1)))

    def installment(self, booking_id, kind, amount_due, created_at, due_at, status="scheduled",
                    paid_at=None, payment_id=None) -> uuid.UUID:
        return self._insert("payment_schedules", booking_id=booking_id, kind=kind,
                            amount_due=Decimal(amount_due), due_at=due_at, status=status,
                            paid_at=paid_at, payment_id=payment_id, created_at=created_at)

    def insurance(self, booking_id, user_id, submitted_at, due_at, status="pending",
                  reviewed_at=None, created_at=None) -> uuid.UUID:
        return self._insert("insurance_documents", booking_id=booking_id, user_id=user_id, status=status,
                            submitted_at=submitted_at, due_at=due_at, reviewed_at=reviewed_at,
                            created_at=created_at or submitted_at)

    def utilization(self, equipment_id, usage_date, hours_used, hours_available=24) -> uuid.UUID:
        return self._insert("equipment_utilization", equipment_id=equipment_id, usage_date=usage_date,
                            hours_used=Decimal(hours_used), hours_available=Decimal(hours_available))

    def manual_payment(self, booking_id, user_id, amount, received_at, payment_id=None,
                       method="cash") -> uuid.UUID:
        return self._insert("manual_payments", booking_id=booking_id, user_id=user_id,
                            payment_id=payment_id, method=method, amount=Decimal(amount),
                            received_at=received_at, created_at=received_at)

    def payout(self, amount, created_at, status="pending", arrived_at=None, reconciled_at=None,
               expected_at=None) -> uuid.UUID:
        self._n += 1
        return self._insert("payout_reconciliations", stripe_payout_id=f"po_{self._n}",
                            amount=Decimal(amount), status=status, created_at=created_at,
                            updated_at=created_at, expected_at=expected_at or created_at,
                            arrived_at=arrived_at, reconciled_at=reconciled_at)

    def ledger(self, kind, amount, occurred_at, payment_id=None, payout_id=None) -> uuid.UUID:
        return self._insert("financial_transactions", kind=kind, amount=Decimal(amount),
                            occurred_at=occurred_at, payment_id=payment_id, payout_id=payout_id,
                            created_at=occurred_at)
