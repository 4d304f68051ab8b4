-- public.users: one row per person with an account: a customer who rents equipment, or a
-- staff member or admin who runs the platform.
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

COMMENT ON TABLE public.users IS
'Accounts: customers who rent equipment, and the staff and admins who run the platform.';
COMMENT ON COLUMN public.users.role IS
'customer (rents equipment), staff (operations: records manual payments, answers tickets), admin.';
COMMENT ON COLUMN public.users.created_at IS 'Sign-up time of the account.';
