# Two commands on a fresh machine: `make run` and `make test`. Only Python 3.11+ and pip assumed.
UV_VERSION := 0.13.8
PYTHON ?= python3
UV_HOME := .data/uv
UV := $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
RUN := $(UV) run --frozen

.PHONY: run test test-fast lint typecheck deps arch bench bench-scale bench-bulk migrate sync tools chromium images clean

$(UV_HOME)/bin/uv:
	$(PYTHON) -m pip install --quiet --target $(UV_HOME)/lib uv==$(UV_VERSION)
	mkdir -p $(UV_HOME)/bin && ln -sf ../lib/bin/uv $(UV_HOME)/bin/uv

## Always asks uv, which does nothing when nothing changed, but rebuilds hoso-shared when a source of its
## compiled rule engine did (shared/pyproject.toml's cache-keys): a compiled module shadows its source.
sync: | $(UV)
	$(UV) sync --frozen --all-packages

## Test tools that are not Python packages, unpacked into .data/bin (nothing installed system-wide).
## promtool (alert rules, their unit tests, prometheus.yml) comes from Debian's `prometheus` package:
## only the binary is extracted, no service is installed or started. Without apt this prints why and
## carries on (the recipe never fails); tests/ops/test_alerts.py then skips its promtool checks and says so.
PROMTOOL := .data/bin/promtool
tools: $(PROMTOOL) chromium

$(PROMTOOL):
	@tmp=$$(mktemp -d) && chmod 755 $$tmp && \
	fetch() { (cd $$tmp && apt-get download -q prometheus >/dev/null 2>&1); } && \
	if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null && \
	   { fetch || { [ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 && fetch; }; }; then \
	  mkdir -p $(@D) && dpkg-deb --fsys-tarfile $$tmp/prometheus_*.deb | tar -xO ./usr/bin/promtool > $@.part && \
	  chmod 755 $@.part && mv $@.part $@ && echo "promtool: $$($@ --version 2>&1 | head -1) in $@"; \
	else \
	  echo "promtool: not installed ('apt-get download prometheus' failed or apt is missing);" \
	       "the promtool checks in tests/ops/test_alerts.py will be skipped"; \
	fi; rm -rf $$tmp $@.part

## Headless Chromium (Debian's `chromium`) screenshots the public progress page in
## tests/profile_api/reports/test_progress_page.py and is the browser the portal's tests drive
## (tests/portal/browser, through Playwright's executable_path: Playwright never downloads one). It is a system
## package, so it is installed only when we are root with apt; otherwise (or when the install fails) this says
## why and carries on, never failing make, and those tests skip saying chromium is absent.
CHROMIUM_LOG := .data/chromium-install.log
chromium:
	@if command -v chromium >/dev/null; then \
	  echo "chromium: $$(chromium --version 2>/dev/null | head -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "chromium: installing Debian's chromium package (apt-get, no recommends; log in $(CHROMIUM_LOG))"; \
	  mkdir -p $(dir $(CHROMIUM_LOG)) && start=$$(date +%s) && \
	  get_chromium() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } && \
	  if { get_chromium || { apt-get update -qq && get_chromium; }; } >$(CHROMIUM_LOG) 2>&1; then \
	    echo "chromium: $$(chromium --version 2>/dev/null | head -1), installed in $$(( $$(date +%s) - start ))s"; \
	  else \
	    tail -3 $(CHROMIUM_LOG) | sed 's/^/chromium:   /'; \
	    echo "chromium: 'apt-get install chromium' failed (above); the progress-page screenshot test will be skipped"; \
	  fi; \
	else \
	  echo "chromium: not on PATH and not root with apt-get; the progress-page screenshot test will be skipped"; \
	fi

## Every service plus the simulator, on embedded PostgreSQL unless DATABASE_URL is set.
run: sync
	$(RUN) python -m hoso_devstack run

## The whole suite on real PostgreSQL (embedded unless DATABASE_URL is set), then lint, types and
## every package's declared dependencies. The dev stack (tools/devstack, a dev dependency) runs the suite.
## Two pytest workers (pytest-xdist; a test file stays on one worker, its module fixtures shared): the suite is
## PostgreSQL and Python in about equal parts, so two workers keep a 2-core machine busy. TEST_WORKERS=0: one process.
test: sync tools
	$(RUN) python -m hoso_devstack test -n $(or $(TEST_WORKERS),2) --dist loadfile
	$(MAKE) --no-print-directory lint typecheck deps

test-fast: sync tools
	$(RUN) python -m hoso_devstack test -m "not e2e" -x -q

lint: sync
	$(RUN) ruff check .

typecheck: sync
	$(RUN) mypy shared/src services/*/src tools/*/src bench

## Each workspace member declares exactly what it imports (deptry, its exceptions in the member's
## pyproject.toml): fails on an import its pyproject doesn't declare, or a declared dependency not used.
## MEMBERS is the root pyproject's [tool.uv.workspace] members (tests/test_dependencies.py holds them equal).
MEMBERS := shared services/* tools/*
deps: sync
	@failed=""; for member in $(wildcard $(MEMBERS)); do \
	  echo "deptry $$member"; \
	  $(RUN) deptry --config $$member/pyproject.toml $$member/src || failed="$$failed $$member"; \
	done; \
	if [ -n "$$failed" ]; then echo "deps: undeclared or unused dependencies in:$$failed"; exit 1; fi

arch: sync
	$(RUN) lint-imports

bench: sync
	$(RUN) python -m bench.rules
	$(RUN) python -m bench
	$(RUN) python -m bench.pipeline
	$(RUN) python -m bench.portal
	$(RUN) python -m bench.portal_lists
	$(RUN) python -m bench.audit

## The province at scale (issue 17; bench/scale): 200,000 profiles, half through the bulk import, every report,
## export, import, the sync, idle CPU and RSS beside raw baselines. Not in `make bench`: it takes the best part of
## an hour. Smaller: `make bench-scale BENCH_SCALE_PROFILES=10000`.
bench-scale: sync
	$(RUN) python -m bench.scale

## Bulk import and export alone (issue 17), beside COPY in/out; `BENCH_BULK_ROWS` rows imported (20000).
bench-bulk: sync
	$(RUN) python -m bench.bulk --rows $(or $(BENCH_BULK_ROWS),20000)

migrate: sync
	$(RUN) python -m hoso_shared.db.migrate upgrade

## The service images (needs Docker): hoso/<service>:$(TAG).
TAG ?= dev
images:
	for service in profile-api approval-api sync-gateway portal ndxp-sim; do \
	  docker build --build-arg SERVICE=$$service -t hoso/$$service:$(TAG) . || exit 1; \
	done

clean:
	rm -rf .venv .data .pytest_cache .ruff_cache .mypy_cache shared/build shared/src/*.egg-info
	find shared/src -name '*.so' -delete
	rm -f shared/src/hoso_shared/validation/_compiled.json
