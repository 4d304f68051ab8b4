"""When a pg_cron schedule fires: enough of cron's syntax for the demo's "next run" column
and for the tests that replay a day of pg_cron ticks. Not used at run time (pg_cron
schedules in PostgreSQL).

Schedules are UTC, as in pg_cron 1.4: five fields (minute hour day-of-month month
day-of-week) with ``*``, ``a``, ``a-b``, ``/step`` and lists, or pg_cron 1.5's
``N seconds``.
"""

from __future__ import annotations

import datetime as dt
import re

_FIELDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_SECONDS = re.compile(r"^\s*(\d+)\s+seconds?\s*$", re.IGNORECASE)


def _field(text: str, lo: int, hi: int) -> set[int]:
    out: set[int] = set()
    for part in text.split(","):
        rng, _, step = part.partition("/")
        if rng == "*":
            start, end = lo, hi
        elif "-" in rng:
            start, end = (int(x) for x in rng.split("-", 1))
        else:
            start = end = int(rng)
            if step:
                end = hi
        if not (lo <= start <= end <= hi):
            raise ValueError(f"cron field {text!r} out of range {lo}-{hi}")
        out.update(range(start, end + 1, int(step or 1)))
    return out


def is_seconds(schedule: str) -> bool:
    """A pg_cron 1.5+ seconds schedule ('30 seconds')."""
    return bool(_SECONDS.match(schedule))


def matches(schedule: str, at: dt.datetime) -> bool:
    """Whether a five-field schedule fires at the UTC minute of ``at``."""
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"not a five-field cron schedule: {schedule!r}")
    minute, hour, dom, month, dow = (_field(f, lo, hi) for f, (lo, hi) in zip(fields, _FIELDS, strict=True))
    dow = {d % 7 for d in dow}
    at = at.astimezone(dt.timezone.utc)
    day_ok = (
        (at.day in dom or at.isoweekday() % 7 in dow)
        if fields[2] != "*" and fields[4] != "*"
        else (at.day in dom and at.isoweekday() % 7 in dow)
    )
    return at.minute in minute and at.hour in hour and at.month in month and day_ok


def next_run(schedule: str, after: dt.datetime) -> dt.datetime:
    """The first time strictly after ``after`` at which the schedule fires (UTC)."""
    after = after.astimezone(dt.timezone.utc)
    seconds = _SECONDS.match(schedule)
    if seconds:
        step = int(seconds.group(1))
        base = after.replace(microsecond=0)
        return base + dt.timedelta(seconds=step - base.second % step)
    t = after.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    for _ in range(366 * 24 * 60):
        if matches(schedule, t):
            return t
        t += dt.timedelta(minutes=1)
    raise ValueError(f"schedule {schedule!r} does not fire within a year")
