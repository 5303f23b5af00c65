"""The Dockerfile read as data: its instructions, stages, global ARGs and ENV; .dockerignore; and what uv sees
of the workspace where the builder syncs (the lock and the pyproject files its COPYs brought in)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

from tests.ops.deployment import ROOT


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        logical.append(current)
        current = ""
    assert not current, "the Dockerfile ends inside a continuation"
    return [(word.upper(), rest.strip()) for word, _, rest in (line.strip().partition(" ") for line in logical)]


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = stages.setdefault("", [])
    for instruction, args in dockerfile_instructions():
        if instruction == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else f"#{len(stages)}"
            current = stages.setdefault(name, [])
        current.append((instruction, args))
    return stages


def global_args() -> dict[str, str]:
    return dict(arg.partition("=")[::2] for i, arg in dockerfile_stages()[""] if i == "ARG")


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for instruction, args in stage:
        if instruction == "ENV":
            found.update(pair.partition("=")[::2] for pair in args.split())
    return found


def ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore matching (Go filepath.Match plus `**`): a path is out when it or a parent matches, and
    the last pattern that matches decides (`!pattern` brings a path back in)."""
    def regex(pattern: str) -> str:
        out = re.escape(pattern.strip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        return out.replace(r"\?", "[^/]").replace(r"\[", "[").replace(r"\]", "]")
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    out = False
    for pattern in patterns:
        if any(re.fullmatch(regex(pattern.removeprefix("!")), prefix) for prefix in prefixes):
            out = not pattern.startswith("!")
    return out


def dockerignore_patterns() -> list[str]:
    return [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def _context_manifests() -> list[str]:
    """The lock and the pyproject files of the build context (the work tree, less .gitignore and .dockerignore)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    patterns = dockerignore_patterns()
    return [f for f in listed if Path(f).name in ("pyproject.toml", "uv.lock") and (ROOT / f).is_file()
            and not ignored(f, patterns)]


def manifests_copied_before(stage: list[tuple[str, str]], upto: int, into: Path) -> Path:
    """Lays out in `into` the lock and pyproject files that the stage's COPYs from the build context made
    before instruction `upto` (`COPY file… dir/` and `COPY dir/ dir/`, as Docker copies them)."""
    manifests = _context_manifests()
    for instruction, args in stage[:upto]:
        if instruction != "COPY" or args.startswith("--from="):
            continue
        *sources, dest = args.split()
        for source in sources:
            root = source.rstrip("/")
            if (ROOT / root).is_file():
                pairs = [(root, f"{dest}{Path(root).name}" if dest.endswith("/") else dest)]
            else:
                assert (ROOT / root).is_dir(), f"COPY {source}: not in the repo"
                pairs = [(f, f"{dest.rstrip('/')}/{f[len(root) + 1:]}") for f in manifests if f.startswith(root + "/")]
            for found, target in pairs:
                if found in manifests:
                    (into / target).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(ROOT / found, into / target)
    return into


def uv() -> str:
    """uv: the one running us (`uv run` sets $UV), else the Makefile's, else the PATH's."""
    candidates = [os.environ.get("UV"), str(ROOT / ".data" / "uv" / "bin" / "uv"), shutil.which("uv")]
    found = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    assert found, "uv not found: run the tests with `make test`"
    return found


def installed_by(sync: str, workspace: Path, **args: str) -> set[str]:
    """The distributions a builder's `uv sync …` RUN installs, from the lock alone (`uv export` with the same
    selection, offline): the sync's flags with `${NAME}` replaced from `args`."""
    flags = shlex.split(re.sub(r"\$\{?(\w+)\}?", lambda m: args[m.group(1)], sync.split("uv sync", 1)[1]))
    flags = [f.replace("--no-install-", "--no-emit-") for f in flags[:next(
        (i for i, f in enumerate(flags) if f in ("&&", ";", "||")), len(flags))]]
    out = subprocess.run([uv(), "export", "--offline", "--no-hashes", "--no-header", "--no-annotate", *flags],
                         cwd=workspace, capture_output=True, text=True, timeout=60, check=False,
                         env={k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))})
    assert out.returncode == 0, out.stderr
    names = set()
    for line in out.stdout.splitlines():
        requirement = line.strip().removeprefix("-e ").split(";")[0].strip()
        if not requirement or requirement.startswith("#"):
            continue
        if requirement.startswith("."):  # a workspace member, by path (named by the repo's copy: the COPYs may lack it)
            requirement = tomllib.loads((ROOT / requirement / "pyproject.toml").read_text())["project"]["name"]
        names.add(re.split(r"[=<>\[ ]", requirement)[0].lower().replace("_", "-"))
    return names
