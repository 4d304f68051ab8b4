"""Settings: the table of docs/settings.md matches pgfresh.setting_defaults(); bad values are refused."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from .conftest import ROOT, connect


def documented_settings() -> list[tuple[str, str, str]]:
    text = (ROOT / "docs" / "settings.md").read_text()
    block = text.split("<!-- settings-table")[1].split("<!-- /settings-table -->")[0]
    rows = [ln for ln in block.splitlines() if ln.startswith("| `")]
    out = []
    for row in rows:
        key, default, description = (c.strip() for c in row.strip("|").split("|"))
        out.append((key.strip("`"), default.strip("`"), description))
    return out


def test_the_documented_settings_table_matches_the_defaults_function(db):
    with connect(db) as conn:
        defaults = conn.execute(
            "SELECT key, default_value, description FROM pgfresh.setting_defaults() ORDER BY key"
        ).fetchall()
    assert sorted(documented_settings()) == [tuple(r) for r in defaults]


def test_an_override_wins_over_the_default(db):
    with connect(db) as conn:
        conn.execute(
            "INSERT INTO pgfresh.settings (key, value) VALUES ('business_timezone', 'Europe/Berlin')"
        )
        value = conn.execute("SELECT pgfresh.setting('business_timezone')").fetchone()[0]
        assert value == "Europe/Berlin"
        # A threshold read as numeric takes a decimal; a count stays whole.
        conn.execute("INSERT INTO pgfresh.settings (key, value) "
                     "VALUES ('sla_first_response_hours_high', '0.5'), ('utilization_lookback_days', '30')")
        assert conn.execute("SELECT pgfresh.setting('sla_first_response_hours_high')::numeric"
                            ).fetchone()[0] == Decimal("0.5")


@pytest.mark.parametrize(
    ("key", "value", "sqlstate"),
    [("no_such_setting", "1", "PF002"), ("business_timezone", "Mars/Olympus_Mons", "PF003"),
     ("business_timezone", "'; DROP TABLE pgfresh.job_runs; --", "PF003"),
     ("incident_after_failures", "three", "PF104"), ("incident_after_failures", "-1", "PF104"),
     ("retry_backoff_base", "soon", "PF104"), ("retry_backoff_max", "-5 minutes", "PF104"),
     ("job_runs_retention", "1 fortnight", "PF104"), ("utilization_lookback_days", "2.5", "PF104"),
     ("sla_first_response_hours_high", "-0.5", "PF104"), ("kpi_revenue_drop_pct", "half", "PF104")],
)
def test_a_bad_setting_is_refused_and_changes_nothing(db, key, value, sqlstate):
    with connect(db) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s)", [key, value])
        assert err.value.sqlstate == sqlstate
        assert conn.execute("SELECT count(*) FROM pgfresh.settings").fetchone()[0] == 0
        assert conn.execute("SELECT to_regclass('pgfresh.job_runs')").fetchone()[0] is not None


def test_reading_an_unknown_setting_is_a_clear_error(db):
    with connect(db) as conn, pytest.raises(psycopg.Error) as err:
        conn.execute("SELECT pgfresh.setting('nope')")
    assert err.value.sqlstate == "PF002"


@pytest.mark.parametrize(("key", "value"), [
    ("incident_after_failures", "5"), ("retry_backoff_base", "30 seconds"),
    ("retry_backoff_max", "2 hours"), ("job_runs_retention", "90 days"), ("retry_backoff_base", "0"),
])
def test_a_value_that_parses_like_its_default_is_accepted(db, key, value):
    with connect(db) as conn:
        conn.execute("INSERT INTO pgfresh.settings (key, value) VALUES (%s, %s)", [key, value])
        assert conn.execute("SELECT pgfresh.setting(%s)", [key]).fetchone()[0] == value
