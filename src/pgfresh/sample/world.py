"""The generator's stages, in the order that fixes every id: staff, fleet, maintenance,
bookings, what each booking pays and files, support, payouts, users, equipment,
analytics. Each stage draws from random streams of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .analytics import build_analytics
from .bookings import build_booking_details, plan_bookings
from .context import DEFAULT_TIMEZONE, Context, no_gc, reference_time
from .customers import People
from .fleet import Fleet
from .maintenance import build_maintenance
from .money import build_payouts
from .support import build_support


@dataclass
class Dataset:
    """Generated rows per table and the reference instant. A row is a tuple in the order
    of TABLES[table] of COPY text values (str) or None: ids as uuid text, timestamps as
    UTC text ('2025-11-12 17:00:00+00'), amounts as '123.45', dates as '2025-11-12'."""

    rows: dict[str, list[tuple]]
    now: datetime
    as_of: date
    timezone: str
    dropped_requests: int = 0


class World:
    """One sample business: the run's context and what its stages made."""

    def __init__(self, scale: float, seed: int, as_of: date, tz: str):
        self.ctx = Context(scale, seed, as_of, tz)
        self.rows = self.ctx.rows
        self.bookings: list = []
        self.dropped = 0

    def build_fleet(self) -> None:
        """Staff, machines and their maintenance (the days bookings must avoid)."""
        self.people = People(self.ctx)
        self.fleet = Fleet(self.ctx)
        build_maintenance(self.ctx, self.fleet)

    def build_bookings(self) -> None:
        """The bookings, with their customers and machines (no rows yet)."""
        self.bookings, self.dropped = plan_bookings(self.ctx, self.fleet, self.people)

    def build(self, stage=lambda name: None, done=lambda table: None) -> None:
        """Generate every table; ``done(table)`` is called as soon as a table's rows are
        complete (equipment_utilization: call utilization_rows() afterwards)."""
        with no_gc():
            self._build(stage, done)

    def _build(self, stage, done) -> None:
        ctx = self.ctx
        stage("fleet and maintenance")
        self.build_fleet()
        done("equipment_maintenance")
        stage("bookings")
        self.build_bookings()
        stage("payments, insurance, notifications")
        payments = build_booking_details(ctx, self.bookings, self.people)
        for table in ("bookings", "payments", "booking_payments", "payment_schedules", "manual_payments",
                      "insurance_documents"):
            done(table)
        stage("support tickets")
        build_support(ctx, self.bookings, self.people.customers)
        done("support_tickets")
        done("notifications")
        stage("payouts")
        build_payouts(ctx, payments.stripe_moves)
        done("payout_reconciliations")
        done("financial_transactions")
        stage("users, equipment, analytics")
        self.people.build_users()
        done("users")
        done("customer_segments")
        self.fleet.build_equipment()
        done("equipment")
        build_analytics(ctx, self.bookings, self.people.customers)
        done("analytics_data")

    def utilization_rows(self):
        return self.fleet.utilization_rows()

    def utilization_count(self) -> int:
        return self.fleet.utilization_count()


def generate(scale: float, seed: int, as_of: date, tz: str = DEFAULT_TIMEZONE) -> Dataset:
    """All rows of the sample data set in memory (equipment_utilization included)."""
    world = World(scale, seed, as_of, tz)
    world.build()
    with no_gc():
        world.rows["equipment_utilization"] = list(world.utilization_rows())
    return Dataset(world.rows, reference_time(as_of, tz), as_of, tz, world.dropped)
