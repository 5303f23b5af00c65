# Two commands on a fresh machine: `make run` and `make test`. Only Python 3.11+ and pip assumed.
UV_VERSION := 0.13.8
PYTHON ?= python3
UV_HOME := .data/uv
UV := $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
RUN := $(UV) run --frozen

.PHONY: run test test-fast lint typecheck arch bench migrate sync clean

$(UV_HOME)/bin/uv:
	$(PYTHON) -m pip install --quiet --target $(UV_HOME)/lib uv==$(UV_VERSION)
	mkdir -p $(UV_HOME)/bin && ln -sf ../lib/bin/uv $(UV_HOME)/bin/uv

.venv/.synced: pyproject.toml uv.lock shared/pyproject.toml $(wildcard services/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --all-packages
	touch $@

sync: .venv/.synced

## Every service plus the simulator, on embedded PostgreSQL unless DATABASE_URL is set.
run: sync
	$(RUN) python -m hoso_shared.devstack run

## The whole suite on real PostgreSQL (embedded unless DATABASE_URL is set), then lint and contracts.
test: sync
	$(RUN) python -m hoso_shared.devstack test
	$(MAKE) --no-print-directory lint typecheck

test-fast: sync
	$(RUN) python -m hoso_shared.devstack test -m "not e2e" -x -q

lint: sync
	$(RUN) ruff check .

typecheck: sync
	$(RUN) mypy shared/src services/*/src bench

arch: sync
	$(RUN) lint-imports

bench: sync
	$(RUN) python -m bench.rules
	$(RUN) python -m bench

migrate: sync
	$(RUN) python -m hoso_shared.db.migrate upgrade

clean:
	rm -rf .venv .data .pytest_cache .ruff_cache .mypy_cache
