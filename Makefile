# Entry points for people, CI and the containers alike.
# `make run` and `make test` need nothing but Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate web worker beat demo benchmark clean

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Migrate, load the demo workspace, then serve web + Celery worker + beat together.
run: export DEBUG ?= true
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve --addr $(HOST):$(PORT)

## The whole test suite (browser tests need /usr/bin/chromium).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Production processes (docker-compose.yml runs these). `make migrate` runs once per release,
## before web, worker and beat start: scaled web replicas never race each other on it.
migrate: install
	$(PY) manage.py migrate --noinput

web: install
	$(PY) manage.py collectstatic --noinput
	$(BIN)/gunicorn alignment.wsgi --bind 0.0.0.0:$(PORT) --workers $${WEB_CONCURRENCY:-3} --max-requests 2000 --max-requests-jitter 200 --access-logfile -

worker: install
	$(BIN)/celery -A alignment worker --loglevel INFO

beat: install
	$(BIN)/celery -A alignment beat --loglevel INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

demo: install
	$(PY) manage.py seed_demo

benchmark: install
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
