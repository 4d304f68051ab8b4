# pgfresh: every target installs what it needs (make setup) from a bare Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PGFRESH := $(BIN)/pgfresh
STAMP := $(VENV)/.installed
APT_PACKAGES := postgresql-15 postgresql-15-cron postgresql-15-plpgsql-check
# Monitoring (tests/test_monitoring.py, tests/test_report.py): Debian's exporter,
# Prometheus, Alertmanager, headless Chromium.
MONITORING_PACKAGES := prometheus prometheus-alertmanager prometheus-postgres-exporter chromium
MONITORING_SERVICES := prometheus prometheus-alertmanager prometheus-postgres-exporter
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-packages db-up db-down db-url db-reset demo test check revision \
        lint sample bench clean contracts

help:
	@echo "make demo      install, start a local database, migrate, load sample data, refresh, show freshness"
	@echo "make test      the whole test suite against a throwaway PostgreSQL 15 + pg_cron cluster"
	@echo "make db-up / db-down / db-url / db-reset   the local cluster"
	@echo "make revision m=\"message\"   generate a revision from changed SQL sources"
	@echo "make check     fail when the SQL sources differ from what head installs, or the contracts from the views"
	@echo "make contracts regenerate contracts/rows/*.schema.json and the Zod package contracts/ts"
	@echo "make lint      sqlfluff, ruff, plpgsql_check, squawk"
	@echo "make sample    load sample data into the local database (scale=1 seed=42)"
	@echo "make bench     every performance figure in one table (about 10 min; scale=3 for growth)"

setup: system-packages $(STAMP)

# Debian's PostgreSQL 15, pg_cron, plpgsql_check and the monitoring programs, installed
# only when missing; Node and npm too (contracts/ts: `pgfresh contracts` and the tests run
# npm ci there themselves). The services the monitoring packages may start (:9090, :9093,
# :9187) are stopped and disabled: the tests start their own instances on free loopback ports.
system-packages:
	@missing=""; for p in $(APT_PACKAGES) $(MONITORING_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  for s in $(MONITORING_SERVICES); do \
	    if [ -d /run/systemd/system ]; then $(SUDO) systemctl disable --now $$s >/dev/null 2>&1 || true; \
	    else $(SUDO) service $$s stop >/dev/null 2>&1 || true; fi; \
	  done; \
	  if [ -f .pgfresh/data/postmaster.pid ]; then $(MAKE) --no-print-directory db-restart; fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

db-up: setup
	@$(PGFRESH) db up

db-down:
	@[ ! -x $(PGFRESH) ] || $(PGFRESH) db down

db-restart: setup
	@$(PGFRESH) db restart

db-url: setup
	@$(PGFRESH) db url

db-reset: setup
	@$(PGFRESH) db reset

demo: db-up
	@$(PGFRESH) demo

test: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The SQL sources against head (no database), then the contracts against the views (a
# scratch database on the local cluster).
check: db-up
	@$(PGFRESH) check; sources=$$?; $(PGFRESH) contracts --check; exit $$((sources | $$?))

contracts: db-up
	@$(PGFRESH) contracts

revision: db-up
	@[ -n "$(m)" ] || { echo 'usage: make revision m="what changed"'; exit 2; }
	@$(PGFRESH) revision -m "$(m)"

# squawk reads the SQL every revision applies, as `alembic upgrade head --sql` prints it
# (offline: no database); its disabled rules are explained in .squawk.toml.
lint: setup db-up
	$(BIN)/ruff check src tests bench
	$(BIN)/sqlfluff lint --dialect postgres setup tables functions views triggers cron schema
	@$(PGFRESH) lint
	set -o pipefail; $(BIN)/alembic -x without_cron=true upgrade head --sql \
	  | $(BIN)/squawk --config .squawk.toml --stdin-filepath 'alembic upgrade head --sql'

sample: db-up
	@$(PGFRESH) sample --scale $(or $(scale),1) --seed $(or $(seed),42)

# Own throwaway cluster; `make bench scale=3` measures the growth rows at scale 3.
bench: setup
	$(BIN)/python -m bench $(if $(scale),--scale $(scale))

clean: db-down
	rm -rf .pgfresh $(VENV) src/*.egg-info
