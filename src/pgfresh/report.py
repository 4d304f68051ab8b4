"""pgfresh report --html out.html: one self-contained page for people.

Each view's freshness (pgfresh.refresh_status), a chart per view of its refresh durations
and failures over the last days (pgfresh.job_runs, by hour), failures per day, and the open
incidents. One file: inline CSS, inline SVG, a few lines of inline JavaScript (hover
details); nothing is fetched when it is opened. Everything it reads, dashboard_reader may
read. Times are in the business time zone.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import psycopg

from pgfresh import status

HOURLY_SQL = """
SELECT view_name,
       date_trunc('hour', started_at) AS hour,
       max(extract(EPOCH FROM duration)) FILTER (WHERE status = 'success') AS max_seconds,
       count(*) FILTER (WHERE status = 'success') AS successes,
       count(*) FILTER (WHERE status = 'failed') AS failures
FROM pgfresh.job_runs
WHERE started_at > now() - make_interval(days => %(days)s) AND status IN ('success', 'failed')
GROUP BY view_name, date_trunc('hour', started_at)
ORDER BY view_name, hour
"""

STATE_CLASS = {"incident": "bad", "failing": "bad", "stale": "warn", "paused": "dim", "unscheduled": "dim",
               "fresh": "ok"}

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #5b6577; margin-bottom: 12px; }
table { border-collapse: collapse; }
th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
td.err { white-space: normal; max-width: 320px; }
th { background: #f3f5f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { font-weight: 600; border-radius: 3px; padding: 1px 6px; }
.ok { background: #dff3e4; color: #17612c; } .warn { background: #fff1c9; color: #7a5700; }
.bad { background: #fbdada; color: #8f1b1b; } .dim { background: #eceef1; color: #5b6577; }
.wide { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
figure { margin: 0; border: 1px solid #e3e6ea; border-radius: 4px; padding: 6px 8px; }
figcaption { font-weight: 600; font-size: 13px; } svg text { font-size: 10px; fill: #5b6577; }
#tip { position: fixed; pointer-events: none; background: #1d2430; color: #fff; padding: 3px 6px;
       border-radius: 3px; font-size: 12px; display: none; }
"""

# Hover details for the chart marks, and a count of the rendered charts (data-charts) that
# a test can read back. No library, no network.
SCRIPT = """
(function () {
  var tip = document.getElementById('tip');
  document.querySelectorAll('svg [data-tip]').forEach(function (el) {
    el.addEventListener('mousemove', function (ev) {
      tip.textContent = el.getAttribute('data-tip'); tip.style.display = 'block';
      tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px';
    });
    el.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  });
  var charts = document.querySelectorAll('svg.chart');
  var drawn = Array.prototype.filter.call(charts, function (s) { return s.getBBox().width > 0; });
  document.body.setAttribute('data-charts', String(drawn.length));
})();
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _fmt_seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.2f} s"


def duration_chart(view: str, hours: list[tuple], start: dt.datetime, end: dt.datetime, zone: ZoneInfo,
                   width: int = 420, height: int = 130) -> str:
    """An SVG of one view: the longest successful refresh of each hour (line and dots) and
    the hours with failures (red bars along the bottom, taller for more)."""
    left, right, top, bottom = 44, 8, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (end - start).total_seconds()
    peak = max([h[2] for h in hours if h[2] is not None] + [0.001])

    def x(t: dt.datetime) -> float:
        return left + plot_w * (t - start).total_seconds() / span

    def y(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    parts = [f'<svg class="chart" role="img" aria-label="refresh durations of {_e(view)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
             'stroke="#c5cad3"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#c5cad3"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{_e(_fmt_seconds(peak))}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    day = start.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    while day < end:
        parts.append(f'<line x1="{x(day):.1f}" y1="{top}" x2="{x(day):.1f}" y2="{top + plot_h}" '
                     'stroke="#eef0f3"/>')
        if x(day) < width - right - 16:                 # a label that fits
            parts.append(f'<text x="{x(day):.1f}" y="{height - 6}" text-anchor="middle">'
                         f'{day.strftime("%a %d")}</text>')
        day += dt.timedelta(days=1)
    points = [(x(h[1]), y(h[2]), h) for h in hours if h[2] is not None]
    if points:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        parts.append(f'<polyline fill="none" stroke="#3566c8" stroke-width="1.2" points="{path}"/>')
        for px, py, h in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="1.8" fill="#3566c8" data-tip="'
                         f'{_e(h[1].astimezone(zone).strftime("%a %H:00"))}: {h[3]} ok, longest '
                         f'{_e(_fmt_seconds(h[2]))}"/>')
    bar_w = max(plot_w * 3600 / span, 2)
    for h in hours:
        if h[4]:
            bar_h = min(4 + 3 * h[4], plot_h / 2)
            parts.append(f'<rect class="failure" x="{x(h[1]):.1f}" y="{top + plot_h - bar_h:.1f}" '
                         f'width="{bar_w:.1f}" height="{bar_h:.1f}" fill="#d23b3b" data-tip="'
                         f'{_e(h[1].astimezone(zone).strftime("%a %H:00"))}: {h[4]} failed"/>')
    if not hours:
        parts.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle">'
                     f'no refresh in these days</text>')
    parts.append("</svg>")
    return "".join(parts)


def failures_chart(hours_by_view: dict[str, list[tuple]], days: list[dt.date], zone: ZoneInfo,
                   width: int = 860, height: int = 150) -> str:
    """An SVG bar chart: failed refreshes per local day, all views together."""
    per_day = {d: 0 for d in days}
    for hours in hours_by_view.values():
        for h in hours:
            d = h[1].astimezone(zone).date()
            if d in per_day:
                per_day[d] += h[4]
    left, bottom, top = 44, 22, 10
    plot_h = height - top - bottom
    slot = (width - left - 8) / len(days)
    peak = max(list(per_day.values()) + [1])
    parts = [f'<svg class="chart" role="img" aria-label="failed refreshes per day" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#c5cad3"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>']
    for i, d in enumerate(days):
        n = per_day[d]
        bar_h = plot_h * n / peak
        bx = left + i * slot + slot * 0.2
        parts.append(f'<rect class="failures-day" x="{bx:.1f}" y="{top + plot_h - bar_h:.1f}" '
                     f'width="{slot * 0.6:.1f}" height="{max(bar_h, 0.5):.1f}" fill="#d23b3b" '
                     f'data-tip="{d.isoformat()}: {n} failed"/>'
                     f'<text x="{bx + slot * 0.3:.1f}" y="{height - 6}" text-anchor="middle">'
                     f'{d.strftime("%a %d")}</text>')
        if n:
            parts.append(f'<text x="{bx + slot * 0.3:.1f}" y="{top + plot_h - bar_h - 2:.1f}" '
                         f'text-anchor="middle">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def build_html(conn: psycopg.Connection, days: int = 7) -> str:
    rows = status.fetch_status(conn)
    zone = status.business_zone(rows)
    now = conn.execute("SELECT now()").fetchone()[0]
    start = now - dt.timedelta(days=days)
    hours_by_view: dict[str, list[tuple]] = {r["view_name"]: [] for r in rows}
    for row in conn.execute(HOURLY_SQL, {"days": days}).fetchall():
        if row[0] in hours_by_view:
            hours_by_view[row[0]].append(tuple(row))
    code = status.exit_code(rows)
    overall = {0: ("all views fresh", "ok"), 1: ("some views stale", "warn"),
               2: ("open incidents", "bad")}[code]
    database = conn.execute("SELECT current_database()").fetchone()[0]

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>pgfresh report: {_e(database)}</title><style>{CSS}</style></head><body>",
           f"<h1>pgfresh: freshness of the materialized views of {_e(database)}</h1>",
           f'<div class="meta">generated {_e(now.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"))} '
           f'({_e(zone.key)}) · <span class="state {overall[1]}">{_e(overall[0])}</span></div>',
           "<h2>Freshness now</h2><div class=\"wide\"><table><thead>"
           "<tr><th>view</th><th>state</th><th>last success</th>"
           "<th>age</th><th>expected</th><th>last run</th><th>failures in a row</th><th>queued</th>"
           "<th>p95 (24 h)</th><th>last error</th></tr></thead><tbody>"]
    for r in rows:
        state = status.state_of(r)
        out.append(
            f"<tr><td>{_e(r['view_name'])}</td>"
            f"<td><span class=\"state {STATE_CLASS[state]}\">{state}</span></td>"
            f"<td>{_e(status.local_time(r['last_success_at'], zone))}</td>"
            f"<td class=\"num\">{_e(status.short_age(r['age']))}</td>"
            f"<td class=\"num\">{_e(status.short_age(r['expected_interval']))}</td>"
            f"<td>{_e(r['last_status'] or '-')}</td><td class=\"num\">{r['consecutive_failures']}</td>"
            f"<td class=\"num\">{r['queue_pending']}</td>"
            f"<td class=\"num\">{_e(status.seconds(r['duration_p95']))}</td>"
            f"<td class=\"err\">{_e((r['last_error'] or '')[:120])}</td></tr>")
    out.append("</tbody></table></div>")

    incidents = [r for r in rows if r["incident_id"] is not None]
    out.append("<h2>Open incidents</h2>")
    if incidents:
        out.append("<table><thead><tr><th>view</th><th>opened</th><th>failures in a row</th>"
                   "<th>last error</th></tr></thead><tbody>")
        for r in incidents:
            out.append(f"<tr><td>{_e(r['view_name'])}</td>"
                       f"<td>{_e(status.local_time(r['incident_opened_at'], zone))}</td>"
                       f"<td class=\"num\">{r['consecutive_failures']}</td>"
                       f"<td class=\"err\">{_e(r['last_error'])}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append('<p class="meta">none</p>')

    local_days = [(now.astimezone(zone) - dt.timedelta(days=i)).date() for i in range(days - 1, -1, -1)]
    out.append(f"<h2>Failed refreshes per day (last {days} days)</h2>")
    out.append(failures_chart(hours_by_view, local_days, zone))
    out.append(f"<h2>Refresh durations and failures (last {days} days, longest successful refresh "
               f"of each hour; red: hours with failed refreshes)</h2><div class=\"charts\">")
    for view, hours in hours_by_view.items():
        out.append(f"<figure><figcaption>{_e(view)}</figcaption>"
                   f"{duration_chart(view, hours, start, now, zone)}</figure>")
    out.append(f'</div><div id="tip"></div><script>{SCRIPT}</script></body></html>')
    return "\n".join(out)


def write_report(conn: psycopg.Connection, path: str, days: int = 7) -> int:
    text = build_html(conn, days)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {path} ({len(text):,} bytes)")
    return 0
