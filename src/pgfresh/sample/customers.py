"""People: staff and admins, customers of four segments (each with a propensity to book,
a lifetime, a way of paying and a notification channel), people who signed up and never
booked; their ``users`` and ``customer_segments`` rows (some customers move up a
segment)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .context import DAY, MIN, NEVER, Chooser, Context, ri, ts

SEGMENTS = ("consumer", "contractor", "business", "enterprise")
SEGMENT_SHARE = (0.62, 0.26, 0.095, 0.025)
SEGMENT_PROPENSITY = {"consumer": 1.0, "contractor": 4.0, "business": 6.0, "enterprise": 14.0}
SEGMENT_LIFETIME_DAYS = {"consumer": 180, "contractor": 420, "business": 540, "enterprise": 800}
SEGMENT_MANUAL = {"consumer": 0.02, "contractor": 0.08, "business": 0.22, "enterprise": 0.45}

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Luis", "Ashley",
    "Kevin", "Emily", "Brian", "Donna", "Wei", "Michelle", "Ahmed", "Carol", "Jose", "Amanda",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
)

_PICK_SEGMENT = Chooser(tuple(zip(SEGMENTS, SEGMENT_SHARE, strict=True)))
_PICK_CHANNEL = Chooser((("sms", 0.45), ("email", 0.35), ("push", 0.2)))


@dataclass(eq=False)
class User:
    id: str
    segment: str
    created: int
    churn: int
    manual: bool
    channel: str
    index: int
    last_activity: int = 0
    role: str = "customer"


class People:
    """Every user, in order of creation; customers and staff also on their own."""

    def __init__(self, ctx: Context):
        """Staff and admins, who exist before the history starts."""
        self.ctx = ctx
        self.users: list[User] = []
        self.customers: list[User] = []
        self.staff: list[User] = []
        n_staff = max(3, round(25 * ctx.scale))
        for k in range(n_staff + 2):
            created = ctx.cal.at(ctx.D0 - 60 + k % 30, 9 * 60)
            u = User(id=ctx.new_id(), segment="", created=created, churn=NEVER, manual=False,
                     channel="email", index=len(self.users), role="staff" if k < n_staff else "admin")
            self.users.append(u)
            if k < n_staff:
                self.staff.append(u)

    def new_customer(self, rng, created: int) -> User:
        seg = _PICK_SEGMENT(rng)
        u = User(
            id=self.ctx.new_id(), segment=seg, created=created,
            churn=created + int(rng.expovariate(1 / SEGMENT_LIFETIME_DAYS[seg]) * DAY) + 7 * DAY,
            manual=rng.random() < SEGMENT_MANUAL[seg],
            channel=_PICK_CHANNEL(rng),
            index=len(self.users),
        )
        self.users.append(u)
        self.customers.append(u)
        return u

    def build_users(self) -> None:
        """The accounts that never booked, then the rows of every user (updated_at is a
        user's last activity, so this runs after the bookings and tickets)."""
        ctx = self.ctx
        rng = ctx.rng("people")
        cal, now = ctx.cal, ctx.now
        # people who signed up and never booked: about 15% more accounts
        for _ in range(round(len(self.customers) * 0.15)):
            day = ctx.D0 - 30 + int((ctx.TODAY - ctx.D0 + 30) * math.sqrt(rng.random()))
            created = min(cal.at(day, ri(rng, 7 * 60, 23 * 60)), now - MIN)
            self.new_customer(rng, created)
        for u in self.users:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            role = u.role
            if role == "customer":
                email = f"{first.lower()}.{last.lower()}.{u.index}@example.com"
            else:
                email = f"{first.lower()}.{u.index}@rental.example"
            phone = None if rng.random() < 0.1 else f"+1555{rng.randrange(10**7):07d}"
            updated = max(u.created, min(u.last_activity, now))
            ctx.rows["users"].append((u.id, email, f"{first} {last}", phone, role,
                                      ts(u.created), ts(updated)))
            if role == "customer":
                ctx.rows["customer_segments"].append(
                    (ctx.new_id(), u.id, u.segment, ts(u.created), ts(u.created)))
                si = SEGMENTS.index(u.segment)
                if si < 3 and now - u.created > 60 * DAY and rng.random() < 0.12:
                    moved = u.created + 30 * DAY + int((now - u.created - 30 * DAY) * rng.random())
                    ctx.rows["customer_segments"].append(
                        (ctx.new_id(), u.id, SEGMENTS[si + 1], ts(moved), ts(moved)))
