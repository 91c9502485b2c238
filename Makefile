# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up, then import the bundled example into a fresh rolodex.db and show the report.
demo: $(STAMP)
	@ROLODEX_DATABASE_URL=sqlite:///rolodex.db sh examples/demo.sh

## The whole test suite (PostgreSQL tests run when the server is reachable).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## Import speed on generated files; prints a table.
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) rolodex.db rolodex.db-wal rolodex.db-shm
