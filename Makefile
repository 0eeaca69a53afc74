# The two commands: `make run` (offline demo) and `make test` (the whole suite). Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Exact versions with hashes of everything pyproject.toml's ranges allow (runtime, dev and tracing, which
# the tests set up with an in-memory exporter and mypy checks); `make lock`
# regenerates it after a dependency changes there (tests/app/test_lock.py fails until then).
LOCK := requirements.lock
ASSETS := web/node_modules/.installed
# The candidate page, bundled by esbuild from web/src (git-ignored; served at /static/app).
BUNDLE := web/dist/candidates.js

.PHONY: setup lock run test lint format schema bench clean

setup: $(INSTALLED) $(ASSETS) $(BUNDLE)

$(INSTALLED): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

lock: $(INSTALLED)
	$(BIN)/pip-compile --quiet --extra dev --extra tracing --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

$(ASSETS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUNDLE): $(ASSETS) web/build.mjs $(wildcard web/src/*)
	cd web && npm run --silent build

run: setup
	$(BIN)/rscgraph run

test: setup
	$(BIN)/pytest
	$(MAKE) lint

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(INSTALLED)
	$(BIN)/rscgraph export-schema --output schema.graphql

bench: setup
	$(BIN)/python -m bench.candidate_tab
	$(BIN)/python -m bench.permissions
	$(BIN)/python -m bench.enrichment
	$(BIN)/python -m bench.refresh
	$(BIN)/python -m bench.outbox
	$(BIN)/python -m bench.chaos
	$(BIN)/python -m bench.processes
	$(BIN)/python -m bench.peer

clean:
	rm -rf $(VENV) web/node_modules web/dist test-artifacts rscgraph.db*
