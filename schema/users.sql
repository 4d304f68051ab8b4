-- public.users: one row per person with an account: customers renting equipment, staff, admins.
CREATE TABLE public.users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL,
    full_name text NOT NULL,
    phone text,
    role text NOT NULL DEFAULT 'customer',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_role_check CHECK (role IN ('customer', 'staff', 'admin'))
);

CREATE INDEX users_created_at_idx ON public.users (created_at);

COMMENT ON TABLE public.users IS 'Accounts: customers who rent equipment, staff and admins.';
COMMENT ON COLUMN public.users.role IS 'customer, staff or admin.';
