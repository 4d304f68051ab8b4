"""pgfresh: materialized views kept fresh inside PostgreSQL.

The run-time logic is SQL (views/, functions/, triggers/, cron/). This package only
generates and checks the Alembic revisions that install it, runs a local database for
the demo and the tests, and loads sample data.
"""

__version__ = "0.1.0"
