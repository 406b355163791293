# The two commands of the README: `make warehouse` and `make test`. Both install what
# they need first (a venv in .venv from uv.lock), so they work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
# The dbt manifest the code location reads, written in setup (not by the first `dagster dev`).
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests -type f) \
	dbt_project/dbt_project.yml dbt_project/profiles.yml

.PHONY: warehouse test dev app sql lint bench bench-scale setup clean

warehouse: $(MANIFEST)  ## build warehouse/fazhi.duckdb from the reports in seeds/ (or $FAZHI_INPUT_DIR)
	$(BIN)/fazhi build

test: $(MANIFEST)  ## run the tests
	$(BIN)/pytest

dev: $(MANIFEST)  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/fazhi dev

app: $(STAMP)  ## the explorer on http://127.0.0.1:8501, read-only on the warehouse
	$(BIN)/fazhi app

sql: $(STAMP)  ## a read-only SQL shell on the warehouse
	$(BIN)/duckdb -readonly $${FAZHI_DUCKDB_PATH:-warehouse/fazhi.duckdb}

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests scripts benchmarks
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

bench: $(STAMP)  ## throughput and memory figures, see benchmarks/README.md
	$(BIN)/python benchmarks/pipeline.py

bench-scale: $(MANIFEST)  ## whole-pipeline figures on generated reports (1k, 10k; FULL=1 adds 100k), see benchmarks/README.md
	$(BIN)/python benchmarks/scale.py $(if $(FULL),--full)

setup: $(MANIFEST)

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/python -m orchestration.dbt_project

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet 'uv>=0.5,<0.14'
	$(BIN)/uv sync --frozen --quiet
	touch $@

clean:
	rm -rf warehouse/fazhi.duckdb warehouse/fazhi.duckdb.wal warehouse/.staging warehouse/lake dbt_project/target
