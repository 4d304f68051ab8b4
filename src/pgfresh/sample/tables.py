"""The 16 reference tables the sample fills: the columns generated per table, in foreign-key
order (the order rows are loaded in), and the columns derived from them when rows are
copied."""

# Column lists in foreign-key order: the order rows are loaded in.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "full_name", "phone", "role", "created_at", "updated_at"),
    "equipment": ("id", "name", "category", "status", "daily_rate", "acquired_at", "created_at",
                  "updated_at"),
    "equipment_maintenance": ("id", "equipment_id", "kind", "status", "scheduled_for", "started_at",
                              "completed_at", "next_due_at", "cost", "created_at"),
    "equipment_utilization": ("id", "equipment_id", "usage_date", "hours_used", "hours_available",
                              "recorded_at"),
    "customer_segments": ("id", "user_id", "segment", "assigned_at", "created_at"),
    "bookings": ("id", "user_id", "equipment_id", "status", "start_at", "end_at", "total_amount",
                 "deposit_amount", "currency", "created_at", "updated_at", "cancelled_at"),
    "payments": ("id", "booking_id", "user_id", "kind", "method", "status", "amount", "currency",
                 "stripe_payment_intent_id", "refund_of", "paid_at", "created_at"),
    "booking_payments": ("id", "booking_id", "payment_id", "allocation", "amount", "created_at"),
    "payment_schedules": ("id", "booking_id", "kind", "amount_due", "due_at", "status", "paid_at",
                          "payment_id", "created_at"),
    "manual_payments": ("id", "booking_id", "user_id", "payment_id", "method", "amount", "reference",
                        "received_at", "recorded_by", "created_at"),
    "payout_reconciliations": ("id", "stripe_payout_id", "amount", "currency", "status", "expected_at",
                               "arrived_at", "reconciled_at", "created_at", "updated_at"),
    "financial_transactions": ("id", "kind", "amount", "currency", "payment_id", "payout_id",
                               "occurred_at", "created_at"),
    "insurance_documents": ("id", "booking_id", "user_id", "status", "submitted_at", "due_at",
                            "reviewed_at", "expires_at", "created_at"),
    "support_tickets": ("id", "user_id", "booking_id", "equipment_id", "priority", "status", "subject",
                        "created_at", "first_response_at", "resolved_at", "updated_at"),
    "notifications": ("id", "user_id", "ticket_id", "channel", "kind", "status", "created_at",
                      "sent_at"),
    "analytics_data": ("id", "metric", "dimensions", "value", "recorded_at", "created_at"),
}

# Columns that follow from the others, added to each row when it is copied: the
# platform's one currency, and updated_at = the row's latest event (never now(), so the
# data stays deterministic).
DERIVED: dict[str, dict[str, tuple[str, ...]]] = {
    "equipment": {"currency": ()},
    "equipment_maintenance": {"currency": (), "updated_at": ("created_at", "started_at", "completed_at")},
    "payments": {"updated_at": ("created_at", "paid_at")},
    "payment_schedules": {"currency": (), "updated_at": ("created_at", "paid_at")},
    "manual_payments": {"currency": ()},
    "insurance_documents": {"updated_at": ("created_at", "submitted_at", "reviewed_at")},
}
# Every column written, per table: the generated ones, then the derived ones.
COLUMNS = {t: cols + tuple(DERIVED.get(t, {})) for t, cols in TABLES.items()}
