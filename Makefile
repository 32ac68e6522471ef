# guaranty — a fresh clone needs only `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WORLDS ?= 20000
FUZZ_EXAMPLES ?= 300

.PHONY: run test bench fuzz lint install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p build
	$(BIN)/guaranty run scenarios/ukraine-2025.yaml --worlds $(WORLDS) --report build/report.html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# Nightly-size fuzzing (issue 16): FUZZ_EXAMPLES generated scenarios per test, valid and
# near-valid; prints how many were generated, accepted and refused. `make test` runs 8.
fuzz: $(STAMP)
	GUARANTY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q -s \
		-p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
