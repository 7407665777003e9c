# Two entry points (see README): `make demo` and `make test`. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

DEMO_DB := sqlite:///out/demo.db

# Import the naestved fixture into a fresh SQLite database, run week 2026-W48, print the summary.
demo: $(VENV)/.installed
	mkdir -p out && rm -f out/demo.db out/demo.db-wal out/demo.db-shm
	BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch db upgrade
	BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch import data/fixtures/naestved
	BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch run --week 2026-W48
	@echo "demo users (local demo only, created explicitly here): demo-allocator / demo-caseworker (team ICM-1) / demo-planner, password demo-password"
	@echo demo-password | BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch user add demo-allocator --role allocator --password-stdin
	@echo demo-password | BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch user add demo-caseworker --role caseworker --teams ICM-1 --password-stdin
	@echo demo-password | BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch user add demo-planner --role planner --password-stdin
	@echo "serve it: BOLIGMATCH_DATABASE_URL=$(DEMO_DB) $(BIN)/boligmatch serve  (pages: http://127.0.0.1:8000/, API docs: http://127.0.0.1:8000/api/docs)"

test: $(VENV)/.installed
	$(BIN)/ruff check solver service tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check solver service tests benchmarks
	$(BIN)/ruff format --check solver service tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
