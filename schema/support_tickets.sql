-- public.support_tickets: one row per customer support request.
-- requires: schema/users.sql, schema/bookings.sql, schema/equipment.sql
CREATE TABLE public.support_tickets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES public.users (id),
    booking_id uuid REFERENCES public.bookings (id),
    equipment_id uuid REFERENCES public.equipment (id),
    priority text NOT NULL DEFAULT 'normal',
    status text NOT NULL DEFAULT 'open',
    subject text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    resolved_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT support_tickets_priority_check CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    CONSTRAINT support_tickets_status_check CHECK (status IN ('open', 'pending', 'resolved', 'closed'))
);

CREATE INDEX support_tickets_user_id_idx ON public.support_tickets (user_id);
CREATE INDEX support_tickets_created_at_idx ON public.support_tickets (created_at);
CREATE INDEX support_tickets_status_idx ON public.support_tickets (status);

COMMENT ON TABLE public.support_tickets IS 'Customer support tickets with their first-response and resolution times.';
COMMENT ON COLUMN public.support_tickets.status IS
'open (awaiting staff), pending (awaiting customer), resolved, closed.';
