# make run   : set up .venv, migrate, seed the demo data once, serve on http://127.0.0.1:$(PORT)
#              together with one job-queue consumer (mail, digests); Ctrl-C stops both
# make setup : all of that but serving
# make test  : set up .venv with the test dependencies and run the whole suite
# make bench : the benchmarks under bench/ (they print figures)
# make translations : re-extract the UI texts, update the de/en catalogues, compile them
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PORT   ?= 5000
HOST   ?= 127.0.0.1
export DEMO_MODE ?= 1
# One pytest worker per core; a test file stays on one worker (module-scoped live servers).
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: run setup test bench translations vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

setup: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed-demo --once
	$(FLASK) matching rebuild --if-missing

run: setup
	@cat instance/demo-accounts.txt 2>/dev/null || true
	@echo "Kommunalnetz: http://$(HOST):$(PORT)"
	@trap 'kill $$consumer 2>/dev/null; wait $$consumer' EXIT; \
	$(FLASK) jobs consumer & consumer=$$!; \
	$(BIN)/gunicorn --worker-class gevent --workers 1 --worker-connections 10000 \
		--bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/matching_quality.py
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/matching_speed.py
	$(BIN)/python bench/mail_digest.py

# Re-extract the message ids (keywords and paths: babel.cfg), merge them into de/en and compile the .mo
# files, which are committed. New or changed ids then need a German msgstr: see docs/translations.md.
translations: $(VENV)/.dev
	$(BIN)/pybabel -q extract -F babel.cfg --project=Kommunalnetz --copyright-holder=Kommunalnetz \
		-o community/translations/messages.pot .
	$(BIN)/pybabel update -i community/translations/messages.pot -d community/translations \
		--ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d community/translations --statistics

vendor:
	bash static/vendor/fetch.sh

clean:
	rm -rf $(VENV) instance
