"""``analytics_data``: daily product metrics per local day of the history (sessions and
page views per channel, searches, signups, bookings created, conversion rate, API
errors), consistent with the bookings and signups generated."""

from __future__ import annotations

import json
import math

from .context import Context, poisson, ts

CHANNELS = (("web", 0.55), ("ios", 0.28), ("android", 0.17))


def build_analytics(ctx: Context, bookings, customers) -> None:
    rng = ctx.rng("analytics")
    cal = ctx.cal
    new_id = ctx.new_id
    created_per_day: dict[int, int] = {}
    for b in bookings:
        d = cal.day_of(b.created)
        created_per_day[d] = created_per_day.get(d, 0) + 1
    signups: dict[int, int] = {}
    for u in customers:
        d = cal.day_of(u.created)
        signups[d] = signups.get(d, 0) + 1
    rows = ctx.rows["analytics_data"]
    for d in range(ctx.D0, ctx.TODAY):
        at = ts(cal.mid[d + 1] - 1)
        made = created_per_day.get(d, 0)
        sessions_total = 0
        for ch, share in CHANNELS:
            sessions = max(0, round((made + 1) * 14 * share * math.exp(rng.gauss(0, 0.1))))
            sessions_total += sessions
            views = round(sessions * rng.uniform(4.0, 7.5))
            dims = json.dumps({"channel": ch})
            rows.append((new_id(), "sessions", dims, str(sessions), at, at))
            rows.append((new_id(), "page_views", dims, str(views), at, at))
        rows.append((new_id(), "searches", "{}", str(round(sessions_total * rng.uniform(1.2, 2.0))),
                     at, at))
        rows.append((new_id(), "signups", "{}", str(signups.get(d, 0)), at, at))
        rows.append((new_id(), "bookings_created", "{}", str(made), at, at))
        rate = f"{made / sessions_total:.4f}" if sessions_total else "0"
        rows.append((new_id(), "conversion_rate", "{}", rate, at, at))
        rows.append((new_id(), "api_errors", json.dumps({"service": "api"}),
                     str(poisson(rng, 3 + made * 0.02)), at, at))
