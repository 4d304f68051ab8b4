"""The fleet: machines of 13 categories bought over the years (some retired), which of
them is free for a rental, their ``equipment`` rows and their daily
``equipment_utilization`` (the biggest table, generated lazily)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .context import HOUR, Context, dollars, ri, ts

FLEET_PER_SCALE = 1100

# category, fleet share, daily rate range ($), insurance required, models,
# demand weight for consumer, contractor, business, enterprise
CATEGORIES = (
    ("mini_excavator", 0.12, (250, 450), True, ("Kubota KX040", "CAT 303.5", "Bobcat E35"), (3, 10, 6, 6)),
    ("excavator", 0.085, (500, 1100), True, ("CAT 320", "Komatsu PC210", "Deere 210G"), (0, 4, 4, 10)),
    ("skid_steer", 0.115, (220, 420), True, ("Bobcat S650", "CAT 262D", "Kubota SSV75"), (2, 10, 6, 6)),
    ("aerial_lift", 0.14, (180, 420), True, ("Genie S-65", "JLG 450AJ", "Skyjack SJ3219"), (1, 8, 10, 10)),
    ("telehandler", 0.08, (380, 750), True, ("JCB 507-42", "Genie GTH-844", "SkyTrak 10054"), (0, 4, 5, 8)),
    ("crane", 0.027, (1400, 3200), True, ("Grove RT540E", "Manitowoc 8900", "Tadano GR500"), (0, 0.3, 1, 4)),
    ("compactor", 0.072, (70, 160), False, ("Wacker BS60", "Bomag BPR 35"), (4, 6, 3, 3)),
    ("generator", 0.11, (60, 260), False, ("Honda EU7000", "Generac XG8000", "Multiquip DCA45"),
     (8, 5, 8, 6)),
    ("pressure_washer", 0.053, (45, 110), False, ("Simpson PS4240", "Karcher HD 3.5"), (12, 2, 4, 1)),
    ("concrete_mixer", 0.049, (45, 120), False, ("Kushlan 600", "Multiquip MC94"), (6, 4, 2, 1)),
    ("trencher", 0.046, (150, 320), False, ("Ditch Witch RT45", "Toro TRX-26"), (3, 4, 2, 2)),
    ("tiller", 0.026, (40, 90), False, ("Honda FRC800", "Troy-Bilt Pony"), (10, 1, 1, 0.2)),
    ("trailer", 0.075, (55, 140), False, ("Big Tex 14ET", "PJ Dump 12ft"), (7, 4, 5, 4)),
)


def insurance_required(category: int) -> bool:
    """Whether renting a machine of this category needs an insurance document."""
    return CATEGORIES[category][3]


@dataclass(eq=False)
class Machine:
    id: str
    category: int
    rate: int  # cents
    acquired: date
    acq_day: int  # calendar index (may be negative: before the calendar)
    retire_day: int | None
    name: str = ""
    busy_until: int = 0
    blocked: list = field(default_factory=list)  # (first day, last day) of maintenance
    maint: list = field(default_factory=list)  # (start, end) seconds under maintenance
    rentals: list = field(default_factory=list)  # (start, end) of active/completed bookings
    last_event: int = 0


class Fleet:
    """The machines, all and by category."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        rng = ctx.rng("fleet")
        fleet = FLEET_PER_SCALE * ctx.scale
        self.machines: list[Machine] = []
        self.by_category: list[list[Machine]] = [[] for _ in CATEGORIES]
        D0, TODAY = ctx.D0, ctx.TODAY
        serial = 1000
        for ci, (_name, share, (lo, hi), _ins, models, _w) in enumerate(CATEGORIES):
            # small pools need more headroom to serve the same demand (queueing)
            x = fleet * share * 0.85
            for _ in range(max(2, round(x + 1.5 * math.sqrt(x)))):
                serial += 1
                if rng.random() < 0.7:
                    acq_day = D0 - ri(rng, 0, 1400)
                else:  # the fleet grows: later acquisitions more likely
                    acq_day = D0 + int((TODAY - 20 - D0) * math.sqrt(rng.random()))
                retire = None
                if acq_day < D0 - 365 and rng.random() < 0.04:
                    retire = ri(rng, D0 + 90, TODAY - 1)
                m = Machine(
                    id=ctx.new_id(), category=ci, rate=ri(rng, lo // 5, hi // 5) * 500,
                    acquired=ctx.cal.days[0] + timedelta(days=acq_day), acq_day=acq_day,
                    retire_day=retire,
                )
                m.name = f"{rng.choice(models)} #{serial}"
                self.machines.append(m)
                self.by_category[ci].append(m)

    # -- renting ---------------------------------------------------------------------------

    def free_machine(self, rng, ci, start, end, ds, de):
        """A machine of category ``ci`` free from ``start`` (plus an hour to turn it
        around) over local days ``ds``..``de``: a few random tries, then a scan."""
        machines = self.by_category[ci]
        n = len(machines)
        limit = start - HOUR
        fits = self._fits
        for _ in range(8):
            m = machines[int(rng.random() * n)]
            if m.busy_until <= limit and fits(m, ds, de):
                return m
        free = [m for m in machines if m.busy_until <= limit]
        k = int(rng.random() * len(free)) if free else 0
        for j in range(len(free)):
            m = free[(k + j) % len(free)]
            if fits(m, ds, de):
                return m
        return None

    @staticmethod
    def _fits(m: Machine, ds: int, de: int) -> bool:
        if m.acq_day > ds or (m.retire_day is not None and de >= m.retire_day):
            return False
        for lo, hi in m.blocked:
            if lo <= de and hi >= ds:
                return False
        return True

    # -- rows ------------------------------------------------------------------------------

    def build_equipment(self) -> None:
        """The equipment rows; status and updated_at follow the machine's rentals and
        maintenance, so this runs after both."""
        ctx = self.ctx
        now = ctx.now
        for m in self.machines:
            name, cat = m.name, CATEGORIES[m.category][0]
            acquired_ts = int(datetime(m.acquired.year, m.acquired.month, m.acquired.day, 9,
                                       tzinfo=ctx.tz).timestamp())
            if m.retire_day is not None:
                status = "retired"
                last = ctx.cal.at(m.retire_day, 9 * 60)
            elif any(s <= now < e for s, e in m.maint):
                status, last = "maintenance", m.last_event
            elif any(s < now < e for s, e in m.rentals):
                status, last = "rented", max(s for s, e in m.rentals if s < now < e)
            else:
                status, last = "available", m.last_event
            ctx.rows["equipment"].append((
                m.id, name, cat, status, dollars(m.rate), m.acquired.isoformat(), ts(acquired_ts),
                ts(max(acquired_ts, min(max(last, acquired_ts), now))),
            ))

    def _service_days(self, m: Machine) -> tuple[int, int]:
        """The first and last local day of ``m``'s utilization rows."""
        ctx = self.ctx
        d0 = max(m.acq_day, ctx.D0)
        d1 = ctx.TODAY if m.retire_day is None else min(ctx.TODAY, m.retire_day - 1)
        return d0, d1

    def utilization_rows(self):
        """Rows of equipment_utilization, generated lazily (the biggest table)."""
        ctx = self.ctx
        cal, now = ctx.cal, ctx.now
        mid = cal.mid
        rng = ctx.rng("utilization")
        new_id = ctx.new_id
        hours = {}
        dates = [d.isoformat() for d in cal.days]
        recorded = [ts(min(mid[i + 1] + HOUR, now)) for i in range(ctx.TODAY + 1)]
        zero = "0.00"
        for m in self.machines:
            d0, d1 = self._service_days(m)
            if d1 < d0:
                continue
            used: dict[int, int] = {}
            for s, e in m.rentals:
                e = min(e, now)
                d = cal.day_of(s)
                while d <= d1 and mid[d] < e:
                    lo, hi = max(s, mid[d]), min(e, mid[d + 1])
                    if hi > lo:
                        used[d] = used.get(d, 0) + max(1, int((hi - lo) * rng.uniform(0.3, 0.75) / 36))
                    d += 1
            maint: dict[int, int] = {}
            for s, e in m.maint:
                d = max(cal.day_of(s), d0)
                while d <= d1 and mid[d] < e:
                    lo, hi = max(s, mid[d]), min(e, mid[d + 1])
                    if hi > lo:
                        maint[d] = maint.get(d, 0) + -(-(hi - lo) // 36)
                    d += 1
            for d in range(d0, d1 + 1):
                avail = min(2400, (mid[d + 1] - mid[d]) // 36) - maint.get(d, 0)
                avail = max(0, avail)
                u = used.get(d, 0)
                if u > avail:
                    raise AssertionError(f"utilization above availability for {m.id} on {dates[d]}")
                a = hours.get(avail)
                if a is None:
                    a = hours[avail] = dollars(avail)
                yield (new_id(), m.id, dates[d], dollars(u) if u else zero, a, recorded[d])

    def utilization_count(self) -> int:
        """How many rows utilization_rows() yields, without generating them."""
        n = 0
        for m in self.machines:
            d0, d1 = self._service_days(m)
            n += max(0, d1 - d0 + 1)
        return n
