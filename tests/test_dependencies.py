"""`make deps`: every workspace member declares exactly what it imports (deptry, run per member on its own
pyproject.toml and src/). Here: the Makefile covers every member, and deptry, run the way the Makefile runs
it, fails on a phantom import and on an unused dependency, and passes a member that is square."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPTRY = Path(sys.executable).parent / "deptry"


def deptry(workdir: Path, member: str) -> tuple[int, list[tuple[str, str]]]:
    """The Makefile's command for one member, run in `workdir`: its exit code and (code, module) found."""
    report = workdir / "deptry.json"
    result = subprocess.run([str(DEPTRY), "--config", f"{member}/pyproject.toml", f"{member}/src",
                             "--no-ansi", "--json-output", str(report)],
                            cwd=workdir, capture_output=True, text=True, timeout=120, check=False)
    issues: list[dict[str, Any]] = json.loads(report.read_text())
    return result.returncode, sorted((issue["error"]["code"], issue["module"]) for issue in issues)


def member(workdir: Path, dependencies: list[str], source: str) -> str:
    """A workspace member `m` in `workdir`: a pyproject declaring `dependencies`, src/demo importing `source`."""
    package = workdir / "m" / "src" / "demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(source)
    (workdir / "m" / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0"\ndependencies = {json.dumps(dependencies)}\n')
    return "m"


class TestMakeDeps:
    def test_the_makefile_checks_every_workspace_member_with_its_own_pyproject(self) -> None:
        makefile = (ROOT / "Makefile").read_text()
        members = re.search(r"^MEMBERS := (.+)$", makefile, re.M)
        assert members is not None
        workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
        assert members.group(1).split() == workspace
        assert "deptry --config $$member/pyproject.toml $$member/src" in makefile
        test = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)
        assert test is not None and re.search(r"\$\(MAKE\).*\bdeps\b", test.group(1)), "make test runs deps"

    def test_a_square_member_passes_with_module_names_mapped_to_distributions(self, tmp_path: Path) -> None:
        name = member(tmp_path, ["httpx>=0.28", "pyyaml", "PyJWT"],
                      "import httpx\nimport yaml\nfrom jwt import decode\n")
        assert deptry(tmp_path, name) == (0, [])

    def test_a_phantom_import_fails(self, tmp_path: Path) -> None:
        """Installed in the workspace's venv (by another member or the dev group) is not declared."""
        name = member(tmp_path, ["httpx"], "import httpx\nimport yaml\nfrom hoso_devstack import demo\n")
        code, issues = deptry(tmp_path, name)
        assert (code, issues) == (1, [("DEP003", "hoso_devstack"), ("DEP003", "yaml")])

    def test_an_import_of_something_not_installed_fails(self, tmp_path: Path) -> None:
        name = member(tmp_path, [], "import no_such_module_anywhere\n")
        code, issues = deptry(tmp_path, name)
        assert (code, issues) == (1, [("DEP001", "no_such_module_anywhere")])

    @pytest.mark.parametrize("unused", ["pyyaml", "openpyxl"])
    def test_a_declared_dependency_that_nothing_imports_fails(self, tmp_path: Path, unused: str) -> None:
        name = member(tmp_path, ["httpx", unused], "import httpx\n")
        code, issues = deptry(tmp_path, name)
        assert (code, issues) == (1, [("DEP002", unused)])
