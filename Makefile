# guaranty — a fresh clone needs only `make run` and `make test`.
# `make run` installs the runtime and the analysis extra (`pip install -e ".[analysis]"`: the
# report's PRIM, optimiser and lens charts), no developer tools; `make test`, `lint`, `docs`,
# `fuzz` and `bench` install the developer tools too (`pip install -e ".[dev]"`). Each has its stamp.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-stamp
DEV_STAMP := $(VENV)/.dev-stamp
WORLDS ?= 20000
FUZZ_EXAMPLES ?= 300

.PHONY: run test bench fuzz lint install install-dev docs clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "guaranty needs Python >= 3.11 (PYTHON=python3.12 make ...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[analysis]"
	@touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(DEV_STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

run: $(RUN_STAMP)
	@mkdir -p build
	$(BIN)/guaranty run scenarios/ukraine-2025.yaml --worlds $(WORLDS) --report build/report.html

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# Nightly-size fuzzing (issue 16): FUZZ_EXAMPLES generated scenarios per test, valid and
# near-valid; prints how many were generated, accepted and refused. `make test` runs 8.
fuzz: $(DEV_STAMP)
	GUARANTY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q -s \
		-p no:cacheprovider

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py

# The docs site (mkdocs-material) into site/; the parameters page is regenerated first.
docs: $(DEV_STAMP)
	$(BIN)/python scripts/parameters_page.py
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
