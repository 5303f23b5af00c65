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
SOURCES = [ROOT / "shared" / "src", *sorted((ROOT / "services").glob("*/src")), *sorted((ROOT / "tools").glob("*/src"))]
MAX_MODULE_LINES = 400
# The unit of work commits; nothing else may.
COMMIT_ALLOWED = {"shared/src/hoso_shared/db/engine.py", "shared/src/hoso_shared/db/migrations/env.py"}
# The outbox row is written by its owner module only (DESIGN: each transition through one shared module).
OUTBOX_OWNER = "shared/src/hoso_shared/db/outbox.py"
WRITE_CALL = re.compile(r"insert|update|delete|upsert|merge", re.IGNORECASE)
WRITE_SQL = re.compile(r"\b(insert\s+into|update|delete\s+from|copy|truncate(\s+table)?)\s+(only\s+)?outbox\b",
                       re.IGNORECASE)


def modules() -> list[Path]:
    return [p for src in SOURCES for p in src.rglob("*.py") if "migrations/versions" not in str(p)]


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def outbox_writes(source: str) -> list[str]:
    """Where `source` writes the outbox: builds an OutboxRow, hands the model to a write (`insert(OutboxRow)`,
    `update(...)`, `insert_many(session, OutboxRow, …)`), or holds SQL that writes the table."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            if _name(node.func) == "OutboxRow":
                found.append(f"{node.lineno}: builds an OutboxRow")
            elif WRITE_CALL.search(_name(node.func)) and any(_name(a) == "OutboxRow" for a in node.args):
                found.append(f"{node.lineno}: {_name(node.func)}(… OutboxRow …)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and WRITE_SQL.search(node.value):
            found.append(f"{node.lineno}: SQL writing the outbox")
    return found


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

    def test_only_the_owner_module_writes_the_outbox(self) -> None:
        offenders = [f"{p.relative_to(ROOT)}:{where}" for p in modules()
                     if str(p.relative_to(ROOT)) != OUTBOX_OWNER for where in outbox_writes(p.read_text())]
        assert not offenders, "write the outbox through hoso_shared.db.outbox"

    @pytest.mark.parametrize("write", [
        "session.add(OutboxRow(profile_id=p, profile_version=1))",
        "await session.execute(insert(OutboxRow), rows)",
        "await session.execute(sa.update(OutboxRow).values(consumed_at=now))",
        "await queries.insert_many(session, OutboxRow, rows)",
        'text("UPDATE outbox SET released_at = NULL")',
        'text("""INSERT INTO outbox (profile_id) VALUES (:p)""")',
        "q = 'update  Outbox o set sync_batch_id = :b'",
        'text("DELETE FROM outbox")',
    ])
    def test_an_outbox_write_is_seen(self, write: str) -> None:
        assert outbox_writes(write)

    def test_reading_the_outbox_is_no_write(self) -> None:
        assert not outbox_writes("select(OutboxRow).where(OutboxRow.released_at.is_(None)).with_for_update()\n"
                                 "text('SELECT count(*) FROM outbox o JOIN packet_records r ON r.outbox_id = o.id')\n"
                                 "update(PacketRecord).where(PacketRecord.outbox_id == 1)")

    @pytest.mark.parametrize("service", SERVICES)
    def test_every_route_has_a_description(self, service: str) -> None:
        spec = build(service, "postgresql+asyncpg://unused/none", None).openapi()
        missing = [f"{method.upper()} {path}" for path, ops in spec["paths"].items()
                   for method, op in ops.items() if not (op.get("summary") or op.get("description"))]
        assert not missing


def feature_folders() -> set[str]:
    """Every package below a service's top package (a feature), by its import name."""
    found = set()
    for src in sorted((ROOT / "services").glob("*/src")):
        for init in src.glob("*/*/**/__init__.py"):
            found.add(".".join(init.parent.relative_to(src).parts))
    return found


class TestFeatureLayers:
    def test_every_feature_folder_is_held_to_the_layers(self) -> None:
        """The "feature layers" contract names its containers one by one: a new feature must join it."""
        import tomllib

        config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
        (layers,) = [c for c in config if c["name"] == "feature layers"]
        assert feature_folders() - set(layers["containers"]) == set()
        assert set(layers["containers"]) <= feature_folders()
        assert {"sync_gateway.returns", "approval_api.windows", "profile_api.calendar"} <= feature_folders()

    def test_sync_gateway_keeps_only_its_wiring_at_the_top(self) -> None:
        """Feature code lives in features; the top holds the app, the process wiring and settings."""
        top = {p.stem for p in (ROOT / "services/sync-gateway/src/sync_gateway").glob("*.py")}
        assert top <= {"__init__", "app", "collaborators", "dependencies", "main", "metrics", "notify", "runtime",
                       "settings", "worker"}


VERBS = {"accept", "add", "apply", "approve", "cancel", "change", "check", "create", "decide", "deliver", "diff",
         "disable", "dissolve", "record", "refuse", "show", "sign",
         "download", "enable", "export", "get", "import", "issue", "list", "merge", "move", "open", "propose", "pull",
         "read", "refresh", "reject", "remove", "rename", "replay", "reset", "retry", "return", "revoke", "set",
         "split", "submit", "take", "update", "upload", "verify", "withdraw"}


HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "api_route"}


def route_handlers() -> list[tuple[str, str]]:
    """(module, name) of every function decorated as a route (`@router.get(...)`, `@internal.post(...)` …)."""
    found = []
    for path in sorted((ROOT / "services").glob("*/src/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in HTTP_METHODS
                    for d in node.decorator_list):
                found.append((str(path.relative_to(ROOT)), node.name))
    return found


def test_route_handlers_are_named_verb_noun() -> None:
    """STYLE §4: a handler says what it does (`approve_change_request`), so tracebacks and operationIds read."""
    handlers = route_handlers()
    odd = sorted(f"{module}: {name}" for module, name in handlers if "_" not in name or name.split("_")[0] not in VERBS)
    assert len(handlers) > 100 and odd == []


def test_the_system_time_is_read_in_one_place() -> None:
    """One clock convention in the runtime packages: code asks a `Clock` (or the real one,
    `hoso_shared.time.utc_now`); only that module reads the system time, so a test's `FixedClock` reaches
    everything it is given to. (The tools under tools/ stand alone: the backup tool imports no hoso_shared.)"""
    runtime = [p for p in modules() if p.name != "clock.py" and "tools" not in p.relative_to(ROOT).parts]
    reads = [f"{p.relative_to(ROOT)}:{n}" for p in runtime
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"\bdatetime\.(now|utcnow|today)\(|\bdate\.today\(\)|ZoneInfo\(", line)]
    assert reads == []
