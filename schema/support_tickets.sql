-- public.support_tickets: one row per customer support request, optionally about a booking
-- or a machine.
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
    CONSTRAINT support_tickets_priority_check CHECK (
        priority IN ('low', 'normal', 'high', 'urgent')
    ),
    CONSTRAINT support_tickets_status_check CHECK (
        status IN ('open', 'pending', 'resolved', 'closed')
    ),
    CONSTRAINT support_tickets_first_response_at_check CHECK (first_response_at >= created_at),
    CONSTRAINT support_tickets_resolved_at_check CHECK (resolved_at >= created_at)
);

CREATE INDEX support_tickets_user_id_idx ON public.support_tickets (user_id);
CREATE INDEX support_tickets_booking_id_idx ON public.support_tickets (booking_id);
CREATE INDEX support_tickets_equipment_id_idx ON public.support_tickets (equipment_id);
CREATE INDEX support_tickets_status_idx ON public.support_tickets (status);
CREATE INDEX support_tickets_created_at_idx ON public.support_tickets (created_at);

COMMENT ON TABLE public.support_tickets IS
'Customer support tickets with their first-response and resolution times (the SLA clocks).';
COMMENT ON COLUMN public.support_tickets.priority IS 'low, normal, high, urgent.';
COMMENT ON COLUMN public.support_tickets.status IS
'open (awaiting staff), pending (awaiting the customer), resolved, closed (no further action).';
COMMENT ON COLUMN public.support_tickets.first_response_at IS
'First reply by staff; NULL while nobody has answered.';
COMMENT ON COLUMN public.support_tickets.resolved_at IS
'When the ticket was resolved; NULL while open or pending.';
