# The two commands: `make demo` and `make test`. Both build .venv from nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/herald dev --demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The dashboard's browser test drives Debian's Chromium through chromedriver. Installed where
# missing if apt-get is there and we are root or have sudo; never fails the build (under CI=true
# the test itself fails, saying what is missing).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if command -v apt-get >/dev/null && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo "sudo -n"); \
	    $$sudo apt-get update -qq && $$sudo apt-get install -y -qq chromium chromium-driver \
	      || echo "could not install chromium: the dashboard's browser test cannot run"; \
	  else echo "chromium missing and not installable here: the browser test will skip"; fi; \
	fi

# Two pytest workers: the suite spends much of its time waiting on the servers and processes
# it starts, so on two cores two workers take it from about 9.5 to 5.5 minutes. Each test
# has its own database (a PostgreSQL schema, a SQLite file) and ports, so workers never meet.
test: lint typecheck browser
	$(BIN)/pytest -n 2

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .herald .mypy_cache .pytest_cache .ruff_cache
