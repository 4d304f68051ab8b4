-- public.notifications: one row per message to a user (queued, sent or failed), on one channel.
-- requires: schema/users.sql, schema/support_tickets.sql
CREATE TABLE public.notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES public.users (id),
    ticket_id uuid REFERENCES public.support_tickets (id),
    channel text NOT NULL,
    kind text NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    CONSTRAINT notifications_status_check CHECK (status IN ('queued', 'sent', 'failed')),
    CONSTRAINT notifications_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX notifications_user_id_idx ON public.notifications (user_id);
CREATE INDEX notifications_ticket_id_idx ON public.notifications (ticket_id);
CREATE INDEX notifications_created_at_idx ON public.notifications (created_at);

COMMENT ON TABLE public.notifications IS
'Messages to users: ticket replies, booking reminders, receipts; kind says which.';
COMMENT ON COLUMN public.notifications.ticket_id IS
'The support ticket the message is about, if any.';
COMMENT ON COLUMN public.notifications.kind IS
'Free text: ticket_reply, booking_reminder, payment_receipt, ...';
COMMENT ON COLUMN public.notifications.status IS
'queued (not yet handed to the provider), sent (sent_at set), failed.';
