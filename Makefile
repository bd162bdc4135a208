# teamkit — set-up, serve, test. Every target creates what it needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-sqlite test-postgres lint format bench bench-pages bench-scale bench-fanout screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "teamkit needs $(PYTHON): apt-get install python3.11 (or set PYTHON=...)"; exit 1; }
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { echo "$(PYTHON) can't create a venv: apt-get install python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

## run: set up, migrate, seed the demo team and serve the portal with the scheduler
run: $(VENV)/.installed
	$(BIN)/teamkit db upgrade
	$(BIN)/teamkit demo
	$(BIN)/teamkit serve --host 127.0.0.1 --port 5000

## test: set up and run the whole suite, on SQLite and on PostgreSQL at once (the PostgreSQL
## pass waits mostly on the database, so the two share the machine well); its output follows
test: $(VENV)/.installed-test
	@log=$$(mktemp); \
	$(BIN)/pytest -q -p no:cacheprovider --db=postgresql -m "not browser" >"$$log" 2>&1 & pg=$$!; \
	echo "== SQLite (the PostgreSQL pass runs beside it)"; \
	$(BIN)/pytest -q -p no:cacheprovider --db=sqlite; sqlite=$$?; \
	wait $$pg; postgres=$$?; \
	echo "== PostgreSQL"; cat "$$log"; rm -f "$$log"; \
	echo "== SQLite pass: exit $$sqlite; PostgreSQL pass: exit $$postgres"; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

test-sqlite: $(VENV)/.installed-test
	$(BIN)/pytest -q --db=sqlite

test-postgres: $(VENV)/.installed-test
	$(BIN)/pytest -q --db=postgresql

lint: $(VENV)/.installed-test
	$(BIN)/ruff check teamkit tests migrations bench
	$(BIN)/ruff format --check teamkit tests migrations bench
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format teamkit tests migrations bench
	$(BIN)/ruff check --fix teamkit tests migrations bench

## bench: load the busiest pages under `teamkit serve` next to a bare Flask app (a few minutes)
bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null || { echo "installing Debian's wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/load.py $(BENCH_ARGS)

## bench-pages: time the same pages in-process (no server), with their SQL statement counts,
## search over 5,000 retros, the results of a pulse of 10,000 answers, and the coach's
## precision and recall on its labelled sentences
bench-pages: $(VENV)/.installed-test
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/retros.py
	$(BIN)/python bench/coach.py
	$(BIN)/python bench/pulses.py

## bench-scale: the pages, retro search and a scheduler tick on PostgreSQL, demo-sized and then
## with 10,000 teams (bench/seed_scale.py); drops and fills the database `scale` (~10 minutes)
bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

## bench-fanout: 1,000 teams' digests due at once, by 2 scheduler processes, next to a plain smtplib loop
bench-fanout: $(VENV)/.installed-test
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) build dist *.egg-info

## screenshots: regenerate the README's screenshots from the demo team
screenshots: $(VENV)/.installed-test
	$(BIN)/python docs/make_screenshots.py
