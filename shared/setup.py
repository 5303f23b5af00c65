"""Builds hoso-shared. The rule engine's hot modules are compiled with mypyc when a C compiler is present
(about twice as fast: `make bench`), and stay plain Python otherwise; everything else is plain Python.

Python imports a module's compiled library in preference to its source, so an edited rule would be
ignored silently. The build therefore records the sha256 of every source the compiled code was built
from (the compiled modules and the modules whose types mypyc read), and `hoso_shared.validation.compiled`
refuses to import a compiled engine whose sources have changed since. `uv run` rebuilds first: the
`cache-keys` in pyproject.toml name the same files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SRC = Path("src")
ENGINE = SRC / "hoso_shared" / "validation"
# The hot path of `judge`: the rules, their shared scans, the normalisers and the engine itself. Context,
# the registry and the deadline policy run once per process or per request and stay plain Python.
COMPILED = sorted([ENGINE / "engine.py", ENGINE / "model.py", ENGINE / "normalise.py",
                   *(p for p in (ENGINE / "rules").glob("*.py") if p.name != "__init__.py")])
# Every module whose types mypyc read (the whole package and what it imports from hoso_shared): a change
# to any of them needs a rebuild, which pyproject.toml's `cache-keys` ask uv for.
READ = sorted({*ENGINE.rglob("*.py"), *(SRC / "hoso_shared" / "codes").glob("*.py"),
               *(SRC / "hoso_shared" / "form").glob("*.py"), *(SRC / "hoso_shared" / "time").glob("*.py"),
               SRC / "hoso_shared" / "deadlines.py"})
MANIFEST = "_compiled.json"


def compiler() -> str | None:
    return shutil.which(os.environ.get("CC") or "cc")


def extensions() -> list[Extension]:
    if compiler() is None:
        sys.stderr.write("hoso-shared: no C compiler (cc): the rule engine stays plain Python, half as fast\n")
        return []
    from mypyc.build import mypycify

    return mypycify([str(p) for p in COMPILED], group_name="hoso_shared_rules")


class BuildWithManifest(build_ext):
    """build_ext, then the manifest of sources beside the compiled modules (in place when editable)."""

    def run(self) -> None:
        if self.inplace:  # a library an earlier build left that this one no longer makes would shadow its source
            for old in [*ENGINE.rglob("*.so"), *SRC.glob("*__mypyc*.so"), ENGINE / MANIFEST]:
                old.unlink(missing_ok=True)
        super().run()
        if not self.extensions:
            return
        package = "hoso_shared.validation"
        where = (Path(self.get_finalized_command("build_py").get_package_dir(package)) if self.inplace
                 else Path(self.build_lib, *package.split(".")))
        sources = {p.relative_to(SRC).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in READ}
        modules = [".".join(p.relative_to(SRC).with_suffix("").parts) for p in COMPILED]
        where.joinpath(MANIFEST).write_text(json.dumps({"modules": modules, "sources": sources}, indent=1) + "\n")


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildWithManifest})
