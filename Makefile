# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export SILVERCARE_HOME := $(CURDIR)

.PHONY: run test install install-test frontend migrate demo worker lint typecheck messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python frontend
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python frontend
	$(BIN)/pip install --quiet -e '.[test]'

frontend: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

migrate: install
	mkdir -p var
	$(BIN)/silvercare migrate --noinput -v0

demo: migrate
	$(BIN)/silvercare demo --if-empty

# Install, migrate the embedded SQLite database, load the demo city if it is empty, start
# the task worker, the alert escalation loop, the hourly indicator refresh and the web server
# on http://$(HOST):$(PORT).
run: demo
	@echo "SilverCare: http://$(HOST):$(PORT)/  (demo logins above; Ctrl-C stops)"
	$(BIN)/silvercare db_worker --queue-name '*' & $(BIN)/silvercare escalate & \
	$(BIN)/silvercare indicators-refresh --every 3600 >/dev/null & \
	trap 'kill %1 %2 %3' EXIT INT TERM; \
	$(BIN)/silvercare runserver $(HOST):$(PORT)

test: install-test
	bash scripts/test.sh

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy src

messages:
	cd src/silvercare && ../../$(BIN)/silvercare makemessages -l zh_Hans --no-obsolete
	cd src/silvercare && ../../$(BIN)/silvercare compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) node_modules var
