"""The house rules that a reviewer would otherwise have to remember (STYLE.md §3–4)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SERVICES, build

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "shared" / "src", *sorted((ROOT / "services").glob("*/src"))]
MAX_MODULE_LINES = 400
# The unit of work commits; nothing else may.
COMMIT_ALLOWED = {"shared/src/hoso_shared/db/engine.py", "shared/src/hoso_shared/db/migrations/env.py"}


def modules() -> list[Path]:
    return [p for src in SOURCES for p in src.rglob("*.py") if "migrations/versions" not in str(p)]


class TestArchitecture:
    def test_import_linter_contracts_hold(self) -> None:
        lint = Path(sys.executable).parent / "lint-imports"
        result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert "broken" in result.stdout and "0 broken" in result.stdout

    def test_modules_stay_small(self) -> None:
        big = {str(p.relative_to(ROOT)): n for p in modules()
               if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
        assert not big, f"split these by sub-feature: {big}"

    def test_only_the_unit_of_work_commits(self) -> None:
        offenders = [str(p.relative_to(ROOT)) for p in modules()
                     if str(p.relative_to(ROOT)) not in COMMIT_ALLOWED
                     and re.search(r"\.commit\(\)", p.read_text())]
        assert not offenders

    def test_routers_never_touch_queries_or_the_session(self) -> None:
        offenders = []
        for path in modules():
            if path.name != "router.py":
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".queries"):
                    offenders.append(f"{path}: imports {node.module}")
                if isinstance(node, ast.Attribute) and node.attr in {"execute", "scalar", "scalars"}:
                    offenders.append(f"{path}:{node.lineno}: calls .{node.attr}")
        assert not offenders

    @pytest.mark.parametrize("service", SERVICES)
    def test_every_route_has_a_description(self, service: str) -> None:
        spec = build(service, "postgresql+asyncpg://unused/none", None).openapi()
        missing = [f"{method.upper()} {path}" for path, ops in spec["paths"].items()
                   for method, op in ops.items() if not (op.get("summary") or op.get("description"))]
        assert not missing
