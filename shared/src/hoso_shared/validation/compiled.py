"""Whether the rule engine runs compiled, and a guard that it runs what its sources say.

`shared/setup.py` compiles the engine's hot modules with mypyc when a C compiler is present and writes
`_compiled.json` beside them: the compiled modules and the sha256 of every source they were built from.
Python imports a compiled module in preference to its source, so after an edit (or a checkout) the old
code would run silently; `ensure_fresh` refuses that instead. Plain Python, never compiled itself."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

SOURCE_ROOT = Path(__file__).parents[2]  # the folder that holds hoso_shared
MANIFEST = Path("hoso_shared", "validation", "_compiled.json")


class StaleBuild(ImportError):
    pass


def _manifest(root: Path) -> dict[str, Any] | None:
    try:
        manifest: dict[str, Any] = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        return None
    return manifest


def _present(manifest: dict[str, Any], root: Path) -> list[str]:
    return [m for m in manifest["modules"]
            if any(root.joinpath(*m.split(".")).with_suffix(s).exists() for s in EXTENSION_SUFFIXES)]


def compiled_modules(root: Path = SOURCE_ROOT) -> list[str]:
    """The modules present as compiled libraries (empty: plain Python)."""
    manifest = _manifest(root)
    return [] if manifest is None else _present(manifest, root)


def stale_sources(root: Path = SOURCE_ROOT) -> list[str]:
    """The sources that changed since the compiled modules were built (none when nothing is compiled)."""
    manifest = _manifest(root)
    if manifest is None or not _present(manifest, root):
        return []
    stale = []
    for name, digest in manifest["sources"].items():
        path = root / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            stale.append(name)
    return stale


def ensure_fresh(root: Path = SOURCE_ROOT) -> None:
    if stale := stale_sources(root):
        raise StaleBuild(
            f"{', '.join(stale[:3])}{' …' if len(stale) > 3 else ''} changed since the rule engine was compiled: "
            "rebuild it with `uv sync` (or `make sync`; `uv run` does it itself)")


def copy_plain(folder: Path) -> Path:
    """A copy of the hoso_shared package in `folder` without its compiled libraries: on `folder` as
    PYTHONPATH, a child process runs these sources as plain Python (the bench and the parity test)."""
    return Path(shutil.copytree(SOURCE_ROOT / "hoso_shared", folder / "hoso_shared",
                                ignore=shutil.ignore_patterns("*.so", "*.pyd", MANIFEST.name, "__pycache__")))


def describe() -> str:
    """One line for benchmarks and logs."""
    modules = compiled_modules()
    return f"compiled with mypyc ({len(modules)} modules)" if modules else "plain Python (not compiled)"


ensure_fresh()  # on import, which the package does before loading any compiled module
