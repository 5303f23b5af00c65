"""The Dockerfile read as data: its instructions, stages, global ARGs and ENV."""

from __future__ import annotations

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
