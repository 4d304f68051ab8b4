"""The trigger-fed queue: what enqueues, process_queue, nothing lost, nobody waits.

Which table feeds which view is data (pgfresh.view_sources). The seed's rows name views
that other work adds (mv_equipment_utilization, ...); until they exist the trigger
ignores them, so these tests map tables to test-only views with rows of their own.
"""

from __future__ import annotations

import pytest

from .conftest import connect
from .engine import (
    Background,
    Gate,
    add_booking,
    add_customer_and_machine,
    install_test_views,
    map_source,
    pending,
    queued,
    reasons_of,
    runs,
    wait_until,
    waiting_on_lock,
)

# Run under both setups: as a superuser and as Supabase's postgres role (conftest.py).
pytestmark = pytest.mark.supabase

SOURCE_TABLES = ("bookings", "payments", "support_tickets", "insurance_documents",
                 "payout_reconciliations", "financial_transactions", "equipment", "equipment_maintenance")
# Every source table has its capture triggers (tg_<table>__record_changes: one
# pgfresh.source_changes row per change, whatever the views mapped to it).
CAPTURED = SOURCE_TABLES + ("equipment_utilization", "payment_schedules", "manual_payments")

SEED_MAPPING = [
    ("pgfresh.settings", "mv_booking_trends", ["business_timezone"]),
    ("pgfresh.settings", "mv_dashboard_kpis",
     ["business_timezone", "kpi_bookings_drop_pct", "kpi_revenue_drop_pct", "kpi_low_utilization_pct",
      "kpi_overdue_share_pct", "kpi_insurance_overdue_count"]),
    ("pgfresh.settings", "mv_equipment_utilization", ["business_timezone"]),
    ("pgfresh.settings", "mv_financial_summary", ["business_timezone"]),
    ("pgfresh.settings", "mv_revenue_trends", ["business_timezone"]),
    ("public.bookings", "mv_booking_trends", ["id", "status", "created_at", "cancelled_at"]),
    ("public.bookings", "mv_dashboard_kpis",
     ["user_id", "status", "start_at", "end_at", "created_at"]),
    ("public.bookings", "mv_equipment_utilization",
     ["equipment_id", "status", "start_at", "end_at", "total_amount"]),
    ("public.equipment", "mv_alert_candidates", None),
    ("public.equipment", "mv_equipment_utilization", ["category", "acquired_at"]),
    ("public.equipment_maintenance", "mv_alert_candidates", None),
    ("public.equipment_maintenance", "mv_equipment_utilization", None),
    ("public.equipment_utilization", "mv_dashboard_kpis",
     ["usage_date", "hours_used", "hours_available"]),
    ("public.equipment_utilization", "mv_equipment_utilization", None),
    ("public.financial_transactions", "mv_financial_summary", None),
    ("public.insurance_documents", "mv_alert_candidates", None),
    ("public.insurance_documents", "mv_booking_trends",
     ["booking_id", "status", "submitted_at", "created_at", "id"]),
    ("public.insurance_documents", "mv_dashboard_kpis",
     ["status", "submitted_at", "due_at", "reviewed_at"]),
    ("public.manual_payments", "mv_financial_summary", None),
    ("public.payment_schedules", "mv_dashboard_kpis",
     ["status", "amount_due", "created_at", "due_at", "paid_at"]),
    ("public.payment_schedules", "mv_financial_summary", None),
    ("public.payment_schedules", "mv_revenue_trends", ["status", "amount_due", "due_at"]),
    ("public.payments", "mv_dashboard_kpis", ["kind", "status", "amount", "paid_at"]),
    ("public.payments", "mv_financial_summary", None),
    ("public.payments", "mv_revenue_trends", ["status", "kind", "amount", "paid_at"]),
    ("public.payout_reconciliations", "mv_financial_summary", None),
    ("public.support_tickets", "mv_alert_candidates", None),
]


@pytest.fixture
def edb(db: str) -> str:
    install_test_views(db)
    return db


def reasons(conn, view: str) -> list[str]:
    return reasons_of(conn, view)


def test_the_seed_mapping_is_data_and_unmanaged_names_are_ignored(edb):
    with connect(edb) as conn:
        rows = conn.execute(
            "SELECT source_table, view_name, update_columns FROM pgfresh.view_sources ORDER BY 1, 2"
        ).fetchall()
        assert [tuple(r) for r in rows] == SEED_MAPPING
        capture = conn.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc f ON f.oid = t.tgfoid "
            "WHERE (f.proname IN ('tg_' || c.relname || '__record_rows', "
            "'tg_' || c.relname || '__record_update') OR f.proname = 'tg__record_everything') "
            "AND c.relnamespace = 'public'::regnamespace "
            "GROUP BY 1 ORDER BY 1").fetchall()
        assert dict(capture) == {t: 4 for t in CAPTURED}
        # A writer records its change once, for the source (it looks no view up); a mapping to
        # a name that is not a managed view is ignored: no refresh runs for it, and the change
        # is purged once every managed view mapped to the source has taken it.
        map_source(conn, "public.bookings", "mv_not_a_managed_view", None)
        user_id, equipment_id = add_customer_and_machine(conn)
        booking = add_booking(conn, user_id, equipment_id)
        conn.execute("UPDATE public.bookings SET status = 'confirmed' WHERE id = %s", [booking])
        assert conn.execute("SELECT source_table, operation FROM pgfresh.source_changes ORDER BY id"
                            ).fetchall() == [
            ("public.equipment", "INSERT"), ("public.bookings", "INSERT"), ("public.bookings", "UPDATE")]
        assert pending(conn) == [
            ("mv_alert_candidates", "public.equipment INSERT"),
            ("mv_equipment_utilization", "public.equipment INSERT"),
            ("mv_booking_trends", "public.bookings INSERT"),
            ("mv_dashboard_kpis", "public.bookings INSERT"),
            ("mv_equipment_utilization", "public.bookings INSERT"),
            ("mv_not_a_managed_view", "public.bookings INSERT"),
            ("mv_booking_trends", "public.bookings UPDATE"),
            ("mv_dashboard_kpis", "public.bookings UPDATE"),
            ("mv_equipment_utilization", "public.bookings UPDATE"),
            ("mv_not_a_managed_view", "public.bookings UPDATE"),
        ]
        conn.execute("CALL pgfresh.process_queue()")
        assert pending(conn) == []
        assert conn.execute("SELECT count(*) FROM pgfresh.source_changes").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pgfresh.job_runs WHERE view_name = 'mv_not_a_managed_view'"
                            ).fetchone()[0] == 0


def test_bookings_enqueue_on_status_change_and_on_rows_added_or_removed_only(edb):
    with connect(edb) as conn:
        map_source(conn, "public.bookings", "mv_test_gated", ["status"])
        user_id, equipment_id = add_customer_and_machine(conn)
        booking = add_booking(conn, user_id, equipment_id)
        assert reasons(conn, "mv_test_gated") == ["public.bookings INSERT"]
        conn.execute("DELETE FROM pgfresh.source_changes")

        conn.execute("UPDATE public.bookings SET total_amount = 600 WHERE id = %s", [booking])
        conn.execute("UPDATE public.bookings SET status = status WHERE id = %s", [booking])
        conn.execute("UPDATE public.bookings SET status = 'confirmed' WHERE false")
        conn.execute("DELETE FROM public.bookings WHERE false")
        assert reasons(conn, "mv_test_gated") == []

        conn.execute("UPDATE public.bookings SET status = 'confirmed' WHERE id = %s", [booking])
        # Many rows, one INSERT or DELETE statement: one request; an UPDATE records each row
        # whose watched columns changed (its own keys).
        for _ in range(3):
            add_booking(conn, user_id, equipment_id)
        conn.execute("UPDATE public.bookings SET status = 'active'")
        conn.execute("DELETE FROM public.bookings WHERE id <> %s", [booking])
        assert reasons(conn, "mv_test_gated") == [
            "public.bookings UPDATE", "public.bookings INSERT", "public.bookings INSERT",
            "public.bookings INSERT"] + ["public.bookings UPDATE"] * 4 + ["public.bookings DELETE"]
        # A watched column the table does not have is ignored, not an error for the writer
        # (update_columns is applied when a view takes the change, not by the writer).
        conn.execute("UPDATE pgfresh.view_sources SET update_columns = '{status,no_such_column}' "
                     "WHERE view_name = 'mv_test_gated'")
        conn.execute("DELETE FROM pgfresh.source_changes")
        conn.execute("UPDATE public.bookings SET total_amount = 700")
        conn.execute("UPDATE public.bookings SET status = 'completed'")
        assert reasons(conn, "mv_test_gated") == ["public.bookings UPDATE"]


def test_every_source_table_enqueues_the_views_mapped_to_it(edb):
    with connect(edb) as conn:
        for table in SOURCE_TABLES:
            map_source(conn, f"public.{table}", "mv_test_fragile")
        user_id, equipment_id = add_customer_and_machine(conn)
        booking = add_booking(conn, user_id, equipment_id)
        payment = conn.execute(
            "INSERT INTO public.payments (booking_id, user_id, kind, amount) "
            "VALUES (%s, %s, 'deposit', 100) RETURNING id", [booking, user_id]).fetchone()[0]
        conn.execute("INSERT INTO public.support_tickets (user_id, subject) VALUES (%s, 'help')", [user_id])
        conn.execute("INSERT INTO public.insurance_documents (booking_id, user_id, due_at) "
                     "VALUES (%s, %s, now())", [booking, user_id])
        payout = conn.execute(
            "INSERT INTO public.payout_reconciliations (stripe_payout_id, amount, expected_at) "
            "VALUES ('po_1', 100, now()) RETURNING id").fetchone()[0]
        conn.execute("INSERT INTO public.financial_transactions "
                     "(kind, amount, payment_id, payout_id, occurred_at) "
                     "VALUES ('charge', 100, %s, %s, now())", [payment, payout])
        conn.execute("INSERT INTO public.equipment_maintenance (equipment_id, kind, scheduled_for) "
                     "VALUES (%s, 'inspection', now())", [equipment_id])
        conn.execute("UPDATE public.payout_reconciliations SET status = 'paid'")
        got = reasons(conn, "mv_test_fragile")
    assert got == [
        "public.equipment INSERT", "public.bookings INSERT", "public.payments INSERT",
        "public.support_tickets INSERT", "public.insurance_documents INSERT",
        "public.payout_reconciliations INSERT", "public.financial_transactions INSERT",
        "public.equipment_maintenance INSERT", "public.payout_reconciliations UPDATE"]


def test_process_queue_refreshes_each_pending_view_once_however_many_requests(edb):
    with connect(edb) as conn:
        for _ in range(5):
            conn.execute("SELECT pgfresh.request_refresh('mv_booking_trends', 'test')")
        for _ in range(2):
            conn.execute("SELECT pgfresh.request_refresh('analytics.mv_test_gated')")
        conn.execute("INSERT INTO pgfresh.refresh_queue (view_name, reason) "
                     "VALUES ('mv_not_yet', 'seed row')")
        conn.execute("CALL pgfresh.process_queue()")
        done = conn.execute(
            "SELECT view_name, status, source, queue_requests FROM pgfresh.job_runs ORDER BY view_name"
        ).fetchall()
        assert done == [("mv_booking_trends", "success", "queue", 5),
                        ("mv_test_gated", "success", "queue", 2)]
        assert queued(conn, "mv_not_yet") == 1  # not a managed view: left alone
        conn.execute("CALL pgfresh.process_queue()")
        assert conn.execute("SELECT count(*) FROM pgfresh.job_runs").fetchone()[0] == 2


def test_process_queue_follows_dependency_order_and_cascades_to_readers(edb):
    with connect(edb) as conn:
        conn.execute("""
            CREATE MATERIALIZED VIEW analytics.mv_z_base AS SELECT id FROM public.test_divisor WITH NO DATA;
            CREATE UNIQUE INDEX mv_z_base_id_idx ON analytics.mv_z_base (id);
            CREATE MATERIALIZED VIEW analytics.mv_a_derived AS
                SELECT id FROM analytics.mv_z_base WITH NO DATA;
            CREATE UNIQUE INDEX mv_a_derived_id_idx ON analytics.mv_a_derived (id);
        """)
        conn.execute("SELECT pgfresh.request_refresh('mv_a_derived')")
        conn.execute("SELECT pgfresh.request_refresh('mv_z_base')")
        conn.execute("CALL pgfresh.process_queue()")
        order = conn.execute("SELECT view_name, status FROM pgfresh.job_runs ORDER BY id").fetchall()
        assert order == [("mv_z_base", "success"), ("mv_a_derived", "success")]
        # Refreshing the base alone queues its reader, refreshed in the same round.
        conn.execute("CALL pgfresh.refresh_view('mv_z_base', 'cron_hourly')")
        assert reasons(conn, "mv_a_derived")[0].startswith("reads analytics.mv_z_base")
        conn.execute("CALL pgfresh.process_queue()")
        names = [r[0] for r in conn.execute("SELECT view_name FROM pgfresh.job_runs ORDER BY id")]
        assert names[2:] == ["mv_z_base", "mv_a_derived"]
        assert queued(conn, "mv_a_derived") == 0


def test_a_change_committed_during_a_refresh_leads_to_one_more_refresh(edb):
    with connect(edb) as conn, connect(edb) as writer:
        map_source(conn, "public.bookings", "mv_test_gated", ["status"])
        user_id, equipment_id = add_customer_and_machine(conn)
        booking = add_booking(conn, user_id, equipment_id)
        assert queued(conn, "mv_test_gated") == 1

        with Gate(edb) as gate:
            worker = Background(edb, "CALL pgfresh.process_queue()")
            wait_until(lambda: waiting_on_lock(conn, worker.pid), "queue refresh held at the gate")
            # Mid-refresh: the refresh has deleted the request it serves (uncommitted), and a
            # writer commits a status change; it must not wait, and must not be lost.
            writer.execute("SET lock_timeout = '3s'")
            writer.execute("UPDATE public.bookings SET status = 'confirmed' WHERE id = %s", [booking])
            gate.release()
            worker.join()
        assert runs(conn, "mv_test_gated") == [("success", "queue", None)]
        assert reasons(conn, "mv_test_gated") == ["public.bookings UPDATE"]

        conn.execute("CALL pgfresh.process_queue()")
        assert runs(conn, "mv_test_gated") == [("success", "queue", None)] * 2
        assert queued(conn, "mv_test_gated") == 0
        conn.execute("CALL pgfresh.process_queue()")
        assert len(runs(conn, "mv_test_gated")) == 2


def test_two_writers_to_bookings_never_wait_on_each_other_because_of_the_trigger(edb):
    with connect(edb) as setup:
        map_source(setup, "public.bookings", "mv_test_gated", ["status"])
        # mv_booking_trends is mapped to bookings by its own table (tables/mv_booking_trends.sql)
        user_id, equipment_id = add_customer_and_machine(setup)
        b1 = add_booking(setup, user_id, equipment_id)
        b2 = add_booking(setup, user_id, equipment_id)
        assert queued(setup, "mv_test_gated") == queued(setup, "mv_booking_trends") == 2

    t0, t1, t2 = connect(edb), connect(edb), connect(edb)
    try:
        # t0: a refresh in progress that has deleted the pending requests (row locks held).
        t0.execute("BEGIN")
        assert t0.execute("SELECT (pgfresh.refresh_view_now('mv_test_gated', 'queue')).status"
                          ).fetchone()[0] == "success"
        for t in (t1, t2):
            t.execute("SET lock_timeout = '3s'")  # a wait would fail the test, not hang it
            t.execute("BEGIN")
        # Interleaved, both transactions open: each statement enqueues.
        t1.execute("UPDATE public.bookings SET status = 'confirmed' WHERE id = %s", [b1])
        t2.execute("UPDATE public.bookings SET status = 'cancelled', cancelled_at = now() "
                   "WHERE id = %s", [b2])
        add_booking(t1, user_id, equipment_id)
        add_booking(t2, user_id, equipment_id)
        t2.execute("DELETE FROM public.bookings WHERE status = 'pending' AND id <> %s", [b1])
        waits = t0.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0]
        assert waits == 0
        t2.execute("COMMIT")
        t1.execute("COMMIT")
        t0.execute("COMMIT")
    finally:
        for t in (t0, t1, t2):
            t.close()
    with connect(edb) as conn:
        # Every statement of t1 and t2 (5) enqueued both views; t0 took the 2 older
        # requests of mv_test_gated and none of the new ones.
        assert queued(conn, "mv_booking_trends") == 2 + 5
        assert queued(conn, "mv_test_gated") == 5
