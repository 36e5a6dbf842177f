# Two commands: `make demo` runs the product, `make test` runs the tests.
# Both create .venv on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aftersales demo

# Lint and type-check first (seconds), then the suite (SQLite, and PostgreSQL when
# TEST_DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/ruff check nlu bot handoff tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check nlu bot handoff tests

typecheck: $(STAMP)
	$(BIN)/mypy

# The turn benchmark (figures, not a test): e.g. make bench BENCH_ARGS="--customers 16".
BENCH_ARGS ?= --customers 16 --messages 50
bench: $(STAMP)
	$(BIN)/aftersales bench turns $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
