-- public.insurance_documents: one row per proof of insurance a customer submits for a booking;
-- a booking may have several (a rejected document is followed by a new one).
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
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT insurance_documents_status_check CHECK (
        status IN ('pending', 'approved', 'rejected', 'expired')
    ),
    CONSTRAINT insurance_documents_reviewed_at_check CHECK (
        status NOT IN ('approved', 'rejected') OR reviewed_at IS NOT NULL
    )
);

CREATE INDEX insurance_documents_booking_id_idx ON public.insurance_documents (booking_id);
CREATE INDEX insurance_documents_user_id_idx ON public.insurance_documents (user_id);
CREATE INDEX insurance_documents_status_due_at_idx ON public.insurance_documents (status, due_at);
CREATE INDEX insurance_documents_expires_at_idx ON public.insurance_documents (expires_at);

COMMENT ON TABLE public.insurance_documents IS
'Insurance certificates submitted for bookings, and their review by staff.';
COMMENT ON COLUMN public.insurance_documents.status IS
'pending (submitted, awaiting review), approved, rejected (customer must resubmit), expired '
'(was approved, expires_at has passed).';
COMMENT ON COLUMN public.insurance_documents.due_at IS
'When the document must be approved by, normally before the booking starts; '
'pending past due_at is overdue.';
COMMENT ON COLUMN public.insurance_documents.reviewed_at IS
'When staff approved or rejected it; NULL while pending.';
COMMENT ON COLUMN public.insurance_documents.expires_at IS
'End of the insurance cover, from the certificate; NULL until reviewed.';
