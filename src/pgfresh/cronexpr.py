"""When a pg_cron schedule fires, for the demo's "next run" column and for the tests that
replay a day of pg_cron ticks. Not used at run time (pg_cron schedules in PostgreSQL).

Five-field schedules are matched by ``cronsim`` (Debian cron's rules, as pg_cron follows
them); what is left here is pg_cron's own: its schedules are UTC (1.4 has no time
zones), a five-field schedule is required (pg_cron 1.4 reads a sixth field its own way),
and pg_cron 1.5's ``N seconds`` form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from cronsim import CronSim

_SECONDS = re.compile(r"^\s*(\d+)\s+seconds?\s*$", re.IGNORECASE)
_MICROSECOND = dt.timedelta(microseconds=1)


def is_seconds(schedule: str) -> bool:
    """A pg_cron 1.5+ seconds schedule ('30 seconds')."""
    return bool(_SECONDS.match(schedule))


def _five_fields(schedule: str) -> str:
    if len(schedule.split()) != 5:
        raise ValueError(f"not a five-field cron schedule: {schedule!r}")
    return schedule


def fire_times(schedule: str, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
    """The instants in [start, end) at which a five-field schedule fires (UTC)."""
    for at in CronSim(_five_fields(schedule), start.astimezone(dt.timezone.utc) - _MICROSECOND):
        if at >= end:
            return
        yield at


def next_run(schedule: str, after: dt.datetime) -> dt.datetime:
    """The first time strictly after ``after`` at which the schedule fires (UTC)."""
    after = after.astimezone(dt.timezone.utc)
    seconds = _SECONDS.match(schedule)
    if seconds:
        step = int(seconds.group(1))
        base = after.replace(microsecond=0)
        return base + dt.timedelta(seconds=step - base.second % step)
    return next(CronSim(_five_fields(schedule), after))
