-- public.insurance_documents: one row per proof of insurance a customer submits for a booking.
-- requires: schema/bookings.sql, schema/users.sql
CREATE TABLE public.insurance_documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    booking_id uuid NOT NULL REFERENCES public.bookings (id),
    user_id uuid NOT NULL REFERENCES public.users (id),
    status text NOT NULL DEFAULT 'pending',
    submitted_at timestamptz NOT NULL DEFAULT now(),
    due_at timestamptz NOT NULL,
    reviewed_at timestamptz,
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT insurance_documents_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'expired'))
);

CREATE INDEX insurance_documents_booking_id_idx ON public.insurance_documents (booking_id);
CREATE INDEX insurance_documents_status_due_at_idx ON public.insurance_documents (status, due_at);

COMMENT ON TABLE public.insurance_documents IS 'Insurance certificates submitted for bookings, and their review.';
COMMENT ON COLUMN public.insurance_documents.due_at IS
'When the document must be approved by (normally before the booking starts).';
