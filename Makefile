# The two commands of the README: `make warehouse` and `make test`. Both install what
# they need first (a venv in .venv from uv.lock), so they work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced

.PHONY: warehouse test dev sql lint bench setup clean

warehouse: $(STAMP)  ## build warehouse/fazhi.duckdb from the reports in seeds/ (or $FAZHI_INPUT_DIR)
	$(BIN)/fazhi build

test: $(STAMP)  ## run the tests
	$(BIN)/pytest

dev: $(STAMP)  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/fazhi dev

sql: $(STAMP)  ## a read-only SQL shell on the warehouse
	$(BIN)/duckdb -readonly $${FAZHI_DUCKDB_PATH:-warehouse/fazhi.duckdb}

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests scripts benchmarks
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

bench: $(STAMP)  ## throughput and memory figures, see benchmarks/README.md
	$(BIN)/python benchmarks/pipeline.py

setup: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet 'uv>=0.5,<0.14'
	$(BIN)/uv sync --frozen --quiet
	touch $@

clean:
	rm -rf warehouse/fazhi.duckdb warehouse/lake dbt_project/target
