# syntax=docker/dockerfile:1
# One image per service, built from the uv workspace with only that service's dependencies:
#
#   docker build --build-arg SERVICE=profile-api -t hoso/profile-api .
#
# SERVICE is profile-api, approval-api, sync-gateway, portal, ndxp-sim (dev/test only), or hoso-backup: the
# backup job (the operators' tool with PostgreSQL 17's pg_dump/pg_restore, no web app). Every image also runs
# the migrations (`python -m hoso_shared.db.migrate upgrade`, from hoso-shared) and the sync-gateway image
# the delivery worker (`python -m sync_gateway.worker`): override the command. The server listens on the
# service's usual port (8001, 8002, 8003, 8000 for the portal, 8009); UVICORN_* variables change uvicorn's settings at run time.
# tools/devstack is no part of any image (.dockerignore keeps it out of the context); tools/backup is only in
# the hoso-backup image: no service depends on it, so a service's sync never installs it.
# Static checks: tests/ops/test_dockerfile.py (and hadolint), which also replays the builder's syncs from
# the lock to show they install no dev tooling.

ARG SERVICE=profile-api
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
# Keep in step with UV_VERSION in the Makefile (a test checks it).
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

# --- builder: a venv at /app/.venv with the service, hoso-shared and their locked dependencies -------
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
COPY --from=uv /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
# A C compiler: hoso-shared's build compiles the rule engine with mypyc (shared/setup.py); without one it
# stays plain Python, half as fast. Only the builder has it; the runtime gets the compiled libraries.
# Debian's versions are not pinned: bookworm's security updates replace them, and a pin would break builds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The lock and every member's pyproject first: this layer is rebuilt only when dependencies change.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY services/profile-api/pyproject.toml services/profile-api/
COPY services/approval-api/pyproject.toml services/approval-api/
COPY services/sync-gateway/pyproject.toml services/sync-gateway/
COPY services/ndxp-sim/pyproject.toml services/ndxp-sim/
COPY services/portal/pyproject.toml services/portal/
COPY tools/backup/pyproject.toml tools/backup/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "${SERVICE}"
# Then our code, installed as wheels (not editable), so the venv stands alone without /src.
COPY shared/ shared/
COPY services/ services/
COPY tools/backup/ tools/backup/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "${SERVICE}"

# --- runtime: python and the venv, nothing else; a user without a shell or a home -----------------
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
RUN groupadd --system --gid 10001 hoso \
    && useradd --system --uid 10001 --gid hoso --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin hoso
COPY --from=builder /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOSO_SERVICE=${SERVICE} \
    UVICORN_HOST=0.0.0.0
WORKDIR /app
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['UVICORN_PORT'], timeout=4)"]
# The app and port come from UVICORN_APP / UVICORN_PORT, set per service below. The app logs its own
# access lines (JSON, with the correlation id), so uvicorn's are off.
CMD ["uvicorn", "--no-access-log", "--no-server-header"]

# --- SERVICE → ASGI app and port ---------------------------------------------------------------------
FROM runtime AS service-profile-api
ENV UVICORN_APP=profile_api.main:app UVICORN_PORT=8001
EXPOSE 8001

FROM runtime AS service-approval-api
ENV UVICORN_APP=approval_api.main:app UVICORN_PORT=8002
EXPOSE 8002

FROM runtime AS service-sync-gateway
ENV UVICORN_APP=sync_gateway.main:app UVICORN_PORT=8003
EXPOSE 8003

# The web application people sign in to: no database, no data key; it reaches everything through the APIs.
FROM runtime AS service-portal
ENV UVICORN_APP=portal.main:app UVICORN_PORT=8000
EXPOSE 8000

FROM runtime AS service-ndxp-sim
ENV UVICORN_APP=ndxp_sim.main:app UVICORN_PORT=8009
EXPOSE 8009

# The backup job (`python -m hoso_backup.schedule`: dumps and restore drills on cron expressions, its metrics
# textfile on :9105; docs/operations.md "Backup and restore"). pg_dump refuses a server newer than itself and
# bookworm's client is PostgreSQL 15, so PostgreSQL 17's comes from the PostgreSQL project's Debian repository,
# set up by Debian's own postgresql-common script with the signing key that package ships. No web app, so no
# /healthz: compose checks its metrics port.
FROM runtime AS service-hoso-backup
USER 0
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*
USER 10001:10001
ENV HOSO_PG_BIN=/usr/lib/postgresql/17/bin
HEALTHCHECK NONE
CMD ["python", "-m", "hoso_backup.schedule"]

# The default target: the stage of the SERVICE given (a stage, not an image: nothing to tag).
# hadolint ignore=DL3006
FROM service-${SERVICE}
