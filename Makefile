# Everything a fresh machine needs, from Python 3.11 and make alone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export ARCHIVE_DATA_DIR ?= $(CURDIR)/var

.PHONY: run setup test lint bench messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	mkdir -p "$(ARCHIVE_DATA_DIR)"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py import_documents fixtures/documents.json

## Set up, import the seed documents and serve the archive on http://127.0.0.1:8000/
run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (browser tests need Chromium: .ci/run installs it)
test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## Benchmarks: figures go to bench/out/ and BENCHMARKS.md
bench: $(VENV)/.installed
	$(PY) -m bench.parse
	$(PY) -m bench.pages
	$(PY) -m bench.run --sizes 2000,10000
	$(PY) -m bench.load
	$(PY) -m bench.faults
	$(PY) -m bench.bulk --files 500
	$(PY) -m bench.memory --documents 9 --paragraphs 3000

## Translations: app strings go to <app>/locale, template strings to locale/ (needs GNU gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en -e html,txt,py,xml --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=fixtures --no-obsolete
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var
