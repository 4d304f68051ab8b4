"""Row 8: pg_ivm, the incremental-view extension, is not packaged for these machines, so
its figures cannot be measured live here. They were measured once on this kind of
machine (2,000,000 bookings, pg_ivm 1.15, medians of 5, interleaved) and recorded in the
project's shared notes (POSTGRES-NOTES.md, "Trigger designs side by side"); they are
printed next to pgfresh's live trigger rows, labelled as recorded."""

from __future__ import annotations

from bench.harness import Report, Row

RECORDED = "recorded, not live: POSTGRES-NOTES.md (pg_ivm 1.15, 2M bookings)"

# (measure, change in time or throughput as recorded)
PG_IVM = [
    ("pg_ivm IMMV: 100 x 1000-row inserts, time", "+227%"),
    ("pg_ivm IMMV: single-row status updates, 1 client, throughput", "-74%"),
    ("pg_ivm IMMV: single-row status updates, 4 clients, throughput", "-89%"),
    ("pg_ivm IMMV: writers waiting on a relation lock", "74% of samples"),
]


def run(report: Report) -> None:
    for measure, figure in PG_IVM:
        report.add(Row("8 triggers vs peer", measure, {}, text=figure, note=RECORDED))
