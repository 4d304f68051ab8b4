"""``equipment_maintenance``: services every ~90 days and inspections every ~180 days
(next_due_at = when the next one of that kind is due), repairs (some very long, some still
in progress), overdue services never started. Marks the days each machine is blocked, so
bookings avoid them, and the times it is under maintenance, for its utilization."""

from __future__ import annotations

from .context import DAY, HOUR, MIN, NEVER, Context, dollars, poisson, ri, ts
from .fleet import Fleet, Machine

SERVICES = (("service", 90, (2, 6), (150, 600)),  # kind, every n days, hours, cost ($)
            ("inspection", 180, (1, 2), (80, 250)))


def build_maintenance(ctx: Context, fleet: Fleet) -> None:
    rng = ctx.rng("maintenance")
    for m in fleet.machines:
        life0 = max(m.acq_day, ctx.D0 - 120)
        life1 = m.retire_day - 1 if m.retire_day is not None else ctx.TODAY + 120
        if life1 <= life0:
            continue
        jobs = _planned(ctx, rng, m, life0, life1) + _repairs(ctx, rng, m, life0, life1)
        jobs.sort(key=lambda j: j[0])
        _record(ctx, rng, m, jobs)


def _planned(ctx: Context, rng, m: Machine, life0: int, life1: int) -> list[list]:
    """Services and inspections over the machine's life: [scheduled_for, duration, kind,
    cost, next_due, flag] with flag "cancelled", "never" (overdue, never started) or None."""
    cal, now = ctx.cal, ctx.now
    jobs = []
    overdue = rng.random() < 0.04
    for kind, every, dur_h, cost in SERVICES:
        day = m.acq_day + ri(rng, every // 3, every)
        while day < life0:
            day += every
        while day <= life1:
            sched = cal.at(day, 7 * 60 + 30 * ri(rng, 0, 3))
            nxt = day + every + ri(rng, -7, 7)
            if rng.random() < 0.03 and sched < now:  # cancelled, done a few days later
                jobs.append([sched, 0, kind, 0, None, "cancelled"])
                day += ri(rng, 3, 10)
                continue
            next_due = cal.at(min(nxt, len(cal.days) - 2), 8 * 60)
            dur = ri(rng, dur_h[0] * 60, dur_h[1] * 60) * MIN
            if overdue and kind == "service" and now - 60 * DAY < sched < now:
                jobs.append([sched, dur, kind, ri(rng, *cost) * 100, sched, "never"])
                break
            jobs.append([sched, dur, kind, ri(rng, *cost) * 100, next_due, None])
            if sched > now:
                break
            day = nxt
    return jobs


def _repairs(ctx: Context, rng, m: Machine, life0: int, life1: int) -> list[list]:
    """Repairs, in the same form as _planned: about 1.2 a year, some long, and a few
    machines out of service for a long while now."""
    cal, now = ctx.cal, ctx.now
    jobs = []
    years = (min(life1, ctx.TODAY) - life0) / 365
    for _ in range(poisson(rng, 1.2 * max(years, 0))):
        day = ri(rng, life0, min(life1, ctx.TODAY))
        start = cal.at(day, ri(rng, 8 * 4, 15 * 4) * 15)
        r = rng.random()
        if r < 0.7:
            dur = ri(rng, 4, 72) * HOUR
            cost = ri(rng, 200, 1500)
        elif r < 0.95:
            dur = ri(rng, 4, 14) * DAY
            cost = ri(rng, 800, 5000)
        else:
            dur = ri(rng, 30, 120) * DAY
            cost = ri(rng, 3000, 15000)
        if start < now:
            jobs.append([start, dur, "repair", cost * 100, None, None])
    if m.retire_day is None and rng.random() < 0.02:  # out of service for a long while now
        start = now - ri(rng, 20, 90) * DAY
        if cal.day_of(start) > life0:
            jobs.append([start, 200 * DAY, "repair", ri(rng, 4000, 15000) * 100, None, None])
    return jobs


def _record(ctx: Context, rng, m: Machine, jobs: list[list]) -> None:
    """The rows of ``jobs`` (in order of schedule), one after the other on the machine;
    marks its blocked days and maintenance times."""
    cal, now = ctx.cal, ctx.now
    free = 0  # the machine is free of maintenance from here on
    for sched, dur, kind, cost, next_due, flag in jobs:
        created = min(sched - 14 * DAY if kind != "repair" else sched, now)
        started = completed = None
        if flag == "cancelled":
            status = "cancelled"
        elif flag == "never" or sched > now or free >= NEVER:
            status = "scheduled"
            if sched > now and free < NEVER:
                m.blocked.append((cal.day_of(sched), cal.day_of(sched + dur)))
        else:
            started = max(sched + ri(rng, 0, 90) * MIN, free + HOUR)
            if started >= now:
                status, started = "scheduled", None
            else:
                end = started + dur
                if end > now:
                    status, completed = "in_progress", None
                    free = NEVER
                    m.maint.append((started, NEVER))
                    m.blocked.append((cal.day_of(started), 1 << 30))
                else:
                    status, completed = "completed", end
                    free = end
                    m.maint.append((started, end))
                    m.blocked.append((cal.day_of(started), cal.day_of(end - 1)))
                m.last_event = max(m.last_event, min(completed or started, now))
        ctx.rows["equipment_maintenance"].append((
            ctx.new_id(), m.id, kind, status, ts(sched), ts(started), ts(completed),
            ts(next_due), dollars(cost), ts(created),
        ))
