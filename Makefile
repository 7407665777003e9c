# Two entry points (see README): `make demo` and `make test`. Both bootstrap .venv on first use
# from requirements.lock: every package, the build backend included, pinned with its hashes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements.lock

.PHONY: demo test lint lock bench clean

# A venv holding exactly the lock (made anew when the lock changes, so nothing stale stays).
# pip refuses any file whose hash is not in the lock, whichever index it comes from.
$(VENV)/.locked: $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	touch $@

# The project itself, editable, built by the locked setuptools: its dependencies are all locked.
$(VENV)/.installed: $(VENV)/.locked pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Resolve the lock anew from pyproject.toml (dependencies and the dev extra), its build-system
# requirements and uv (the resolver), for any platform and Python 3.11+. Versions already locked
# stay where pyproject.toml still allows them; `make lock UPGRADE=1` takes the newest of everything.
lock: $(VENV)/.installed
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], "uv", sep="\n")' \
	  > $(VENV)/build-and-lock-tools.in
	$(BIN)/uv pip compile --quiet pyproject.toml $(VENV)/build-and-lock-tools.in --extra dev \
	  --universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	  $(if $(UPGRADE),--upgrade) --output-file $(LOCK)

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
	$(BIN)/pytest -q tests/test_layers.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
