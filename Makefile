# Two commands: `make demo` runs the product, `make test` runs the tests.
# Both create .venv on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean rasa-venv test-rasa

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

# Rasa 3.6.21 in a venv of its own (README "Use with Rasa"): it declares Python < 3.11 but
# installs and runs on 3.11 with these pins; wheels only for the compiled packages. It downloads
# TensorFlow 2.12 (~600 MB).
RASA_VENV ?= .rasa-venv
RASA_WHEELS := numpy,scipy,scikit-learn,aiohttp,matplotlib,contourpy,kiwisolver,pillow,tensorflow,tensorflow-io-gcs-filesystem,h5py,grpcio,ujson,psycopg2-binary

rasa-venv:
	test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RASA_VENV)/bin/python -m pip install --quiet --no-deps --ignore-requires-python rasa==3.6.21
	$(RASA_VENV)/bin/python bot/rasa/venv_requirements.py > $(RASA_VENV)/requirements.txt
	$(RASA_VENV)/bin/python -m pip install --quiet --ignore-requires-python \
		--only-binary=$(RASA_WHEELS) -r $(RASA_VENV)/requirements.txt
	$(RASA_VENV)/bin/rasa --version

# The Rasa round trip: export, train, chat through `rasa run`'s REST channel with our action
# server (tests marked `rasa`; skipped by `make test` when RASA_BIN is not set).
test-rasa: $(STAMP)
	RASA_BIN=$(abspath $(RASA_VENV))/bin/rasa $(BIN)/python -m pytest -m rasa -p no:cacheprovider tests/bot/rasa

# The turn benchmark (figures, not a test): e.g. make bench BENCH_ARGS="--customers 16".
BENCH_ARGS ?= --customers 16 --messages 50
bench: $(STAMP)
	$(BIN)/aftersales bench turns $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
