# kbgen: two commands on a fresh machine.
#   make run   builds the sample help center and serves it on http://127.0.0.1:8000
#   make test  installs what the tests need (Chromium, PostgreSQL) and runs every test
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test install browser postgres bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/kbgen build
	$(BIN)/kbgen serve --port $(PORT)

browser:
	@bash .ci/install-chromium

postgres:
	@bash .ci/start-postgres

test: install browser postgres
	. .ci/postgres.env 2>/dev/null; $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/build.py
	$(BIN)/python bench/feedback_load.py

lint: install
	$(BIN)/ruff check kbgen tests bench

clean:
	rm -rf site .kbgen test-artifacts bench/out
