-- public.customer_segments: one row per segment assignment of a customer; a user may have
-- several rows over time, and the current segment is the row with the latest assigned_at.
-- requires: schema/users.sql
CREATE TABLE public.customer_segments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    segment text NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_segments_segment_check CHECK (
        segment IN ('consumer', 'contractor', 'business', 'enterprise')
    )
);

CREATE INDEX customer_segments_user_id_assigned_at_idx
ON public.customer_segments (user_id, assigned_at DESC);

COMMENT ON TABLE public.customer_segments IS
'Segment assignments over time; a user''s current segment is its row with the latest assigned_at.';
COMMENT ON COLUMN public.customer_segments.segment IS
'consumer (private person), contractor (trade), business (company account), enterprise (contract).';
COMMENT ON COLUMN public.customer_segments.assigned_at IS
'From when the segment applies; it applies until the user''s next assignment.';
