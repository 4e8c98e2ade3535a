# Two commands do all the set-up on a fresh machine:
#   make demo   installs what is missing, then serves the app with the demo campaigns
#   make test   installs what is missing, then runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

# Run a second time with every app on a real PostgreSQL (tests/storage_switch.py, issue 15).
POSTGRES_TESTS := tests/web tests/services tests/exports

.PHONY: demo test setup bench clean shared

demo: setup
	$(BIN)/survey serve --demo --port $(PORT)

# The shared instance on this machine: PostgreSQL in ./shared-db, two gunicorn workers (README).
shared: setup
	$(BIN)/survey instance-locale --port $(PORT)

test: setup
	$(BIN)/ruff check survey tests benchmarks
	$(BIN)/ruff format --check survey tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy survey/model survey/storage survey/services
	$(BIN)/python -m pytest -q
	SURVEY_TEST_STORAGE=postgresql $(BIN)/python -m pytest -q $(POSTGRES_TESTS)

bench: setup
	$(BIN)/python benchmarks/submit.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-packages.sh
	bash scripts/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV)
