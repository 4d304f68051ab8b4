"""${message}

Hand-written revision (for what the generator refuses, such as ALTER TABLE).
Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from pgfresh.migration import execute_sql

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    execute_sql("""
""")


def downgrade() -> None:
    execute_sql("""
""")
