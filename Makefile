# Two commands do all the set-up on a fresh machine:
#   make demo   installs what is missing, then serves the app with the demo campaigns
#   make test   installs what is missing, then runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

# The whole suite a second time with every app on a real PostgreSQL (tests/storage_switch.py,
# issue 15). Model and format tests stay in: several open apps (consent pages, the editor's and
# the command line's questionnaire imports). That pass skips, each with its reason, the tests
# that read TinyDB's files (TINYDB_ONLY) and the modules that choose their storages themselves
# (OWN_STORAGE: the contract, data copy and PostgreSQL tests, already run on both by the first pass).
POSTGRES_TESTS := tests

.PHONY: demo test setup bench clean shared translations

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

# The interface's catalogs (docs/TRANSLATING.md): the French words of the code and pages into
# survey/translations/messages.pot, then into each language's messages.po (no compile step:
# the app reads the .po files). tests/web/test_languages.py says what is left to translate.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _plural_forms:1,2 --no-location --sort-output -o survey/translations/messages.pot .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations -D messages --ignore-obsolete

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
