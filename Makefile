# Funeng — two commands for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
ENTERPRISES ?= 5000
# The demo runs in DEBUG with the development key; production sets DEBUG=0 and SECRET_KEY itself.
DEMO_ENV := DEBUG=1

.PHONY: system-packages install install-dev demo serve test lint typecheck pytest bench bench-spark catalogs clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Funeng needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)

# Stamps make a second run fast: pip only runs again when pyproject.toml changes. The schedule
# extra (OR-Tools) belongs to the demo: it plans the shared-manufacturing orders; the credit
# extra (optbinning) fits scorecards (`funeng credit_fit`).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e '.[schedule,credit]'
	touch $@

# The spark extra is part of the development install: the parity tests run every batch job on Spark.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev,spark,schedule,credit]'
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/python -m funeng.i18n

# WeasyPrint (PDF reports) needs pango and a CJK font from Debian.
system-packages:
	bash scripts/ensure_system_packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk

install: $(VENV)/.installed catalogs system-packages

# Java 17 runs Spark for the batch parity tests (PySpark itself comes with the spark extra).
install-dev: install $(VENV)/.installed-dev
	bash scripts/ensure_system_packages.sh gettext chromium fonts-noto-cjk openjdk-17-jre-headless

demo: install
	mkdir -p var
	$(DEMO_ENV) $(BIN)/funeng migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/funeng demo_region --enterprises $(ENTERPRISES) --seed 1 --if-empty
	$(DEMO_ENV) $(BIN)/funeng collectstatic --noinput -v 0
	@echo
	@echo "Funeng is starting at http://$(HOST):$(PORT)/ with its background worker  (Ctrl-C stops both)"
	@echo "Demo logins (DEBUG only, password funeng-demo-2026): demo_admin demo_enterprise demo_enterprise_b"
	@echo "  demo_official (330100) demo_official_b (320100) demo_official_zj (330000) demo_provider demo_bank demo_claimant demo_worker — see README.md"
	$(DEMO_ENV) bash scripts/run_with_worker.sh $(BIN)/funeng $(BIN)/funeng runserver $(HOST):$(PORT)

# Production: gunicorn (gthread workers) with whitenoise static files, plus the task worker.
WEB_WORKERS ?= 2
WEB_THREADS ?= 8
serve: install
	@bash scripts/check_production_env.sh
	$(BIN)/funeng migrate --noinput -v 0
	$(BIN)/funeng collectstatic --noinput -v 0
	@echo "Funeng (production settings) at http://$(HOST):$(PORT)/  health: /healthz  (Ctrl-C to stop)"
	bash scripts/run_with_worker.sh $(BIN)/funeng $(BIN)/gunicorn funeng.wsgi:application \
		--worker-class gthread --workers $(WEB_WORKERS) --threads $(WEB_THREADS) \
		--bind $(HOST):$(PORT) --graceful-timeout 20 --timeout 60 --max-requests 5000 --max-requests-jitter 500

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy engines funeng

# Two workers or more (pytest-xdist, one test database each): the suite's wall time nearly halves on two cores.
pytest: install-dev
	$(BIN)/pytest -n auto --dist worksteal

test: lint typecheck pytest

bench: install
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/assessment.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/matching_ltr.py
	$(BIN)/python benchmarks/policy.py
	$(BIN)/python benchmarks/tabular_import.py
	$(BIN)/python benchmarks/library.py
	$(BIN)/python benchmarks/monitoring.py --no-spark
	$(BIN)/python benchmarks/credit.py

# Every batch job on Polars and on Spark local over 10,000,000 rows: tens of minutes on two cores.
# Then the platform indicators on DuckDB and Spark local over 10,000,000 enterprises.
bench-spark: install-dev
	$(BIN)/python benchmarks/batch_spark.py
	$(BIN)/python benchmarks/monitoring.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
