"""The rule engine compiled with mypyc (shared/setup.py): compiled where a C compiler is, refused when its
sources changed since the build, the build's inputs in step with what makes `uv run` rebuild, and the
plain-Python fallback giving exactly the compiled engine's findings."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from hoso_shared.validation import RULES, Context, judge
from hoso_shared.validation.compiled import (
    SOURCE_ROOT,
    StaleBuild,
    compiled_modules,
    copy_plain,
    ensure_fresh,
    stale_sources,
)
from tests.validation.test_golden import CASES

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "shared"
MANIFEST = SOURCE_ROOT / "hoso_shared" / "validation" / "_compiled.json"


class TestBuild:
    @pytest.mark.skipif(shutil.which(os.environ.get("CC") or "cc") is None, reason="no C compiler: plain Python")
    def test_every_rule_and_the_engine_run_compiled(self) -> None:
        modules = set(compiled_modules())
        assert {"hoso_shared.validation.engine", "hoso_shared.validation.model"} <= modules
        assert {rule.check.__module__ for rule in RULES.values()} <= modules
        assert sys.modules["hoso_shared.validation.engine"].__file__.endswith(tuple(EXTENSION_SUFFIXES))

    def test_uv_rebuilds_when_any_source_of_the_build_changes(self) -> None:
        """Each source the manifest hashes is matched by a cache key, so `uv run` recompiles after an edit
        instead of stopping at StaleBuild."""
        if not MANIFEST.exists():
            pytest.skip("plain Python: no manifest")
        keys = tomllib.loads((SHARED / "pyproject.toml").read_text())["tool"]["uv"]["cache-keys"]
        globs = [key["file"] for key in keys]
        for source in json.loads(MANIFEST.read_text())["sources"]:
            path = f"src/{source}"
            assert any(fnmatch.fnmatch(path, glob.replace("**/", "*")) or path == glob for glob in globs), source

    def test_the_build_s_mypy_is_the_lock_s(self) -> None:
        requires = tomllib.loads((SHARED / "pyproject.toml").read_text())["build-system"]["requires"]
        pinned = next(r for r in requires if r.startswith("mypy=="))
        locked = re.search(r'name = "mypy"\nversion = "([^"]+)"', (ROOT / "uv.lock").read_text())
        assert locked is not None and pinned == f"mypy=={locked.group(1)}"


def fake_build(root: Path, source: str = "def judge(): ...\n") -> Path:
    """A compiled module as the build leaves it: the source, a library beside it, the manifest."""
    package = root / "hoso_shared" / "validation"
    package.mkdir(parents=True)
    (package / "engine.py").write_text(source)
    (package / f"engine{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    (package / "_compiled.json").write_text(json.dumps({
        "modules": ["hoso_shared.validation.engine"],
        "sources": {"hoso_shared/validation/engine.py": hashlib.sha256(source.encode()).hexdigest()}}))
    return package / "engine.py"


class TestStaleBuild:
    def test_a_build_from_these_sources_is_fresh(self, tmp_path: Path) -> None:
        fake_build(tmp_path)
        assert compiled_modules(tmp_path) == ["hoso_shared.validation.engine"]
        assert stale_sources(tmp_path) == []
        ensure_fresh(tmp_path)

    def test_an_edited_source_is_refused_with_what_to_do(self, tmp_path: Path) -> None:
        fake_build(tmp_path).write_text("def judge(): return 'edited'\n")
        assert stale_sources(tmp_path) == ["hoso_shared/validation/engine.py"]
        with pytest.raises(StaleBuild, match=r"engine\.py.*uv sync"):
            ensure_fresh(tmp_path)

    def test_a_deleted_source_is_stale(self, tmp_path: Path) -> None:
        fake_build(tmp_path).unlink()
        assert stale_sources(tmp_path) == ["hoso_shared/validation/engine.py"]

    def test_plain_python_is_never_stale(self, tmp_path: Path) -> None:
        source = fake_build(tmp_path)
        source.with_name(f"engine{EXTENSION_SUFFIXES[0]}").unlink()
        source.write_text("def judge(): return 'edited'\n")
        assert compiled_modules(tmp_path) == [] and stale_sources(tmp_path) == []
        assert compiled_modules(tmp_path / "nothing") == []


JUDGE_GOLDEN = """
import json, sys
from hoso_shared.validation import Context, judge
import hoso_shared.validation.engine as engine
cases = json.load(sys.stdin)
print(json.dumps({"engine": engine.__file__, "findings": [
    [[f.code, f.field, f.message_en] for f in judge(c["record"], Context.from_json(c["context"])).findings]
    for c in cases]}))
"""


def test_plain_python_gives_the_compiled_engine_s_findings(tmp_path: Path) -> None:
    """The package copied without its compiled libraries judges the golden set exactly as this process
    does, finding for finding (on a machine without a compiler, both are plain Python)."""
    copy_plain(tmp_path)
    cases = [{"record": c["record"], "context": c["context"]} for c in CASES]
    run = subprocess.run([sys.executable, "-c", JUDGE_GOLDEN], input=json.dumps(cases), capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    plain = json.loads(run.stdout)
    assert plain["engine"] == str(tmp_path / "hoso_shared" / "validation" / "engine.py")
    here = [[[f.code, f.field, f.message_en] for f in judge(c["record"], Context.from_json(c["context"])).findings]
            for c in cases]
    assert plain["findings"] == here
    assert {finding[0] for found in here for finding in found} == set(RULES)  # every rule's findings compared
