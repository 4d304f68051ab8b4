"""What every part of the generator shares: units of time, the local calendar, the text
forms of values, the random helpers, and the context of one run (its random streams, its
ids, its ``now`` and the rows generated so far)."""

from __future__ import annotations

import bisect
import gc
import math
import random
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .tables import TABLES

DEFAULT_TIMEZONE = "America/New_York"
HISTORY_DAYS = 730
NOW_MINUTES = 12 * 60  # the reference instant: noon, business time, of as_of
MARGIN_DAYS = 150  # calendar days before the history (machines and services start there)

MIN = 60
HOUR = 3600
DAY = 86400
NEVER = 1 << 62  # "has not happened" as an epoch second, larger than any real one


# -- text forms of values ------------------------------------------------------------------

_DAY_TEXT: dict[int, str] = {}
_TIME_TEXT = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]


def ts(seconds: int | None) -> str | None:
    """Epoch seconds as timestamptz text in UTC (None for "has not happened")."""
    if seconds is None or seconds >= NEVER:
        return None
    days, s = divmod(seconds, DAY)
    day = _DAY_TEXT.get(days)
    if day is None:
        day = _DAY_TEXT[days] = (date(1970, 1, 1) + timedelta(days=days)).isoformat()
    return day + _TIME_TEXT[s]


def dollars(cents: int) -> str:
    """Integer cents as numeric text (exact: the nearest double of c/100 prints back as c)."""
    return f"{cents / 100:.2f}"


# Ids are the text of uuid.UUID(int=x, version=4): psycopg copies text in C, while
# dumping UUID objects costs a Python call per value (a quarter of the load time).
_UUID_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)


# -- random helpers ------------------------------------------------------------------------


def ri(rng: random.Random, lo: int, hi: int) -> int:
    """rng.randint(lo, hi), faster (one random() call)."""
    return lo + int(rng.random() * (hi - lo + 1))


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam >= 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def pick(rng: random.Random, weighted):
    """One item of ``((item, weight), ...)``."""
    return Chooser(weighted)(rng)


class Chooser:
    """A weighted choice with precomputed cumulative weights."""

    def __init__(self, weighted):
        self.items = [item for item, _ in weighted]
        self.cum = []
        total = 0.0
        for _, w in weighted:
            total += w
            self.cum.append(total)
        self.total = total
        self.last = len(self.items) - 1

    def __call__(self, rng: random.Random):
        return self.items[min(bisect.bisect_right(self.cum, rng.random() * self.total), self.last)]


@contextmanager
def no_gc():
    """Millions of new tuples make the cyclic GC rescan the growing heap again and again
    (3x slower here); nothing generated here forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- time ----------------------------------------------------------------------------------


class Calendar:
    """Local days of the business as indexes; exact epoch seconds of local wall times."""

    def __init__(self, tz: ZoneInfo, first: date, ndays: int):
        self.tz = tz
        self.days = [first + timedelta(days=i) for i in range(ndays + 1)]
        self.mid = [int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()) for d in self.days]

    def at(self, i: int, minutes: int) -> int:
        """Epoch seconds of local wall time ``minutes`` after midnight on day ``i``."""
        m0 = self.mid[i]
        if self.mid[i + 1] - m0 == DAY:
            return m0 + minutes * MIN
        d = self.days[i]
        return int(datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=self.tz).timestamp())

    def day_of(self, at: int) -> int:
        """The local day of epoch second ``at``."""
        return bisect.bisect_right(self.mid, at) - 1


def reference_time(as_of: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The generated world's ``now``: noon in the business time zone on ``as_of``."""
    return datetime(as_of.year, as_of.month, as_of.day, NOW_MINUTES // 60, tzinfo=ZoneInfo(tz))


def today(tz: str = DEFAULT_TIMEZONE) -> date:
    """Today's date in the business time zone (the default ``as_of``)."""
    return datetime.now(ZoneInfo(tz)).date()


# -- one run -------------------------------------------------------------------------------


class Context:
    """One run of the generator: its calendar (day ``D0`` starts the history, ``TODAY``
    is ``as_of``), ``now`` in epoch seconds, named random streams (``rng(name)``: each part
    draws from its own, so it can change without shifting the others), one stream of ids
    shared by every table (so the order rows are made in is part of the output), and the
    rows per table."""

    def __init__(self, scale: float, seed: int, as_of: date, tz: str):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.tz = ZoneInfo(tz)
        first = as_of - timedelta(days=HISTORY_DAYS - 1 + MARGIN_DAYS)
        self.cal = Calendar(self.tz, first, MARGIN_DAYS + HISTORY_DAYS + 200)
        self.D0 = MARGIN_DAYS
        self.TODAY = MARGIN_DAYS + HISTORY_DAYS - 1
        self.now = self.cal.at(self.TODAY, NOW_MINUTES)
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self._ids = random.Random(f"{seed}/ids")
        getrandbits = self._ids.getrandbits

        def new_id() -> str:  # the uuid text of getrandbits(128), inlined: called 2 million times
            h = f"{(getrandbits(128) & _UUID_MASK) | _UUID_V4:032x}"
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

        self.new_id = new_id

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{name}")

    def token(self, prefix: str) -> str:
        """A Stripe-like id (``pi_...``, ``po_...``) from the stream of ids."""
        return f"{prefix}_{self._ids.getrandbits(96):024x}"

    def notify(self, rng: random.Random, user, ticket_id, channel, kind, at, queued=False) -> None:
        """A notifications row for ``user`` at ``at`` (at most now): queued, or sent a
        moment later, or failed (SMS more often)."""
        at = min(at, self.now)
        if queued:
            status, sent = "queued", None
        else:
            r = rng.random()
            fail = 0.04 if channel == "sms" else 0.01
            status, sent = ("failed", None) if r < fail else ("sent", min(at + 1 + int(r * 60), self.now))
        self.rows["notifications"].append((self.new_id(), user.id, ticket_id, channel, kind, status,
                                           ts(at), None if sent is None else ts(sent)))
