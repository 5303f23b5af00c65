"""Every operation of an app's OpenAPI document, called with inputs schemathesis generates from it (valid ones,
to reach the handlers, and invalid ones, to reach the validation), each answer checked to be no 5xx.

The app runs on the test's event loop (its database connection belongs to that loop), while Hypothesis drives
the search synchronously: so the search runs in a worker thread and hands each request to the loop, waiting for
its answer. Generation is derandomized (the same cases every run) and bounded per operation."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SanitizationConfig
from schemathesis.core.result import Err
from schemathesis.transport.prepare import prepare_request

BASE_URL = "http://test"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NO_SANITIZING = SanitizationConfig(enabled=False)
SEND_TIMEOUT = 60.0  # seconds one request may take before the run stops waiting (a hang is a failure too)


@dataclass
class Known:
    """Values that exist in the test's world, by the name of the parameter or field that carries them: a generated
    UUID alone would only ever reach "not found", so some of the time a real one is put in its place."""

    values: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # a field name → the name whose values it takes
    dates: list[str] = field(default_factory=list)  # days (YYYY-MM-DD) put in place of generated ones

    def add(self, name: str, *values: object) -> None:
        self.values.setdefault(name, []).extend(str(v) for v in values)

    def candidates(self, name: str) -> list[str]:
        return self.values.get(name) or self.values.get(self.aliases.get(name, ""), [])


@dataclass
class ServerError:
    operation: str
    status: int | str
    request: str
    body: str

    def __str__(self) -> str:
        return f"{self.operation} → {self.status}\n    {self.request}\n    {self.body[:600]}"


@dataclass
class Report:
    operations: int = 0
    examples: int = 0
    seconds: float = 0.0
    errors: list[ServerError] = field(default_factory=list)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)  # by operation: how deep the inputs reached
    reasons: dict[str, Counter[str]] = field(default_factory=dict)  # by operation: the problems answered

    def depth(self, *, every: bool = False) -> list[str]:
        """Per operation, the answers and the commonest reasons; only those no example passed (every answer a 4xx:
        worth better inputs) unless `every`."""
        return [f"{op} {dict(codes)}\n" + "\n".join(f"      {n:4} {r}" for r, n in self.reasons[op].most_common(6))
                for op, codes in self.statuses.items() if every or all(c >= 400 for c in codes)]


def _jose(_: schemathesis.SerializationContext, value: Any) -> bytes:
    """The receipts callback takes a compact JWS (`application/jose`), which schemathesis has no serializer for:
    the generated string as UTF-8, anything else (negative cases) as JSON."""
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


schemathesis.serializer("application/jose")(_jose)


class FoundServerError(AssertionError):
    """Raised inside the Hypothesis test so it shrinks the case; the smallest one is what the report keeps."""


def _with_known(data: st.DataObject, value: Any, known: Known, depth: int = 0) -> Any:
    """`value` (path or query parameters, a JSON body) with some fields, at any depth, swapped for real values."""
    if depth > 4:
        return value
    if isinstance(value, list):
        return [_with_known(data, item, known, depth + 1) for item in value]
    if isinstance(value, str) and DATE.fullmatch(value) and known.dates:
        # Generated years run 0001–9999 and our bounds refuse most: often a day the world lives in instead.
        keep = data.draw(st.integers(0, 3), label="keep day") == 0
        return value if keep else data.draw(st.sampled_from(known.dates), label="day")
    if not isinstance(value, Mapping):
        return value
    changed = {}
    for name, item in value.items():
        pool = known.candidates(name) if isinstance(name, str) else []
        swap: bool = data.draw(st.booleans(), label=f"known {name}") if pool else False
        if swap:
            chosen = data.draw(st.sampled_from(pool), label=name)
            changed[name] = [chosen] if isinstance(item, list) else chosen
        else:
            changed[name] = _with_known(data, item, known, depth + 1)
    return changed


def _scopes(operation: Any) -> frozenset[str]:
    """The scopes the operation's security declares (FastAPI's `Security(..., scopes=[...])`)."""
    return frozenset(scope for requirement in operation.definition.raw.get("security", [])
                     for scopes in requirement.values() for scope in scopes)


def _reason(response: httpx.Response) -> str:
    if response.status_code < 400:
        return str(response.status_code)
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} {response.text[:80]}"
    errors = body.get("errors") or [{}]
    return f"{response.status_code} {body.get('type', '')[17:]} {errors[0].get('loc', '')} {errors[0].get('msg', '')}"


def _describe(request: httpx.Request) -> str:
    body = request.content[:400].decode("utf-8", "replace")
    return f"{request.method} {request.url} {body}"


class Fuzzer:
    """Calls `app` (through `client`, on `loop`) with `auth(scopes)`'s headers on every request: `scopes` are those
    the operation's security declares."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop,
                 auth: Callable[[frozenset[str]], Mapping[str, str]], known: Known, *, examples: int,
                 bodies: Mapping[str, st.SearchStrategy[Any]] | None = None) -> None:
        """`bodies`: by operation ("POST /path"), bodies to send half of the time instead of generated ones."""
        self.schema = schemathesis.openapi.from_dict(app.openapi())
        self.client, self.loop, self.auth, self.known, self.examples = client, loop, auth, known, examples
        self.bodies = dict(bodies or {})

    def operations(self) -> list[Any]:
        """Every operation of the document; one schemathesis cannot read fails the run rather than go untested."""
        found = []
        for result in self.schema.get_all_operations():
            if isinstance(result, Err):
                raise result.err()
            found.append(result.ok())
        return found

    def item_parameters(self) -> dict[str, str]:
        """A collection's path → the parameter naming one of its items (`/api/v1/transfers` → `transfer_id`)."""
        found = {}
        for operation in self.operations():
            head, _, last = operation.path.rpartition("/")
            if last.startswith("{") and last.endswith("}") and "{" not in head:
                found[head] = last[1:-1]
        return found

    def harvest(self, operation: Any, response: httpx.Response, items: Mapping[str, str]) -> None:
        """What a create answered becomes known: later operations on that item reach a real one."""
        name = items.get(operation.path)
        if name is None or operation.method.upper() != "POST" or response.status_code not in (200, 201, 202):
            return
        body = response.json()
        if isinstance(body, Mapping) and isinstance(body.get("id"), str) and body["id"] not in self.known.candidates(
                name):
            self.known.add(name, body["id"])

    def _send(self, case: Any, auth: Mapping[str, str]) -> tuple[httpx.Request, httpx.Response | BaseException]:
        prepared = prepare_request(case, None, config=NO_SANITIZING, base_url=BASE_URL)
        raw = prepared.body  # what `requests` would send: JSON, form and multipart bodies already encoded
        body = raw.encode() if isinstance(raw, str) else raw if isinstance(raw, bytes) else None
        headers = {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in prepared.headers.items()
                   if k.lower() != "content-length"}
        # Always as DOHA: negative cases may drop or garble the security header, which only ever reaches the 401.
        headers.update(auth)
        request = self.client.build_request(prepared.method or "GET", prepared.url or BASE_URL, headers=headers,
                                            content=body)
        future = asyncio.run_coroutine_threadsafe(self.client.send(request), self.loop)
        try:
            return request, future.result(timeout=SEND_TIMEOUT)
        except Exception as exc:  # an exception the app let out (or a hang) is a server error: reported, not raised
            future.cancel()
            return request, exc

    def _strategy(self, operation: Any) -> st.SearchStrategy[Any]:
        modes = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
        if operation.path_parameters or operation.query or operation.body:
            modes.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        return st.one_of(modes)

    def run(self, operation: Any, report: Report, items: Mapping[str, str]) -> None:
        label = f"{operation.method.upper()} {operation.path}"
        found: list[ServerError] = []
        auth = self.auth(_scopes(operation))

        @settings(max_examples=self.examples, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=False)
        @given(case=self._strategy(operation), data=st.data())
        def call(case: Any, data: st.DataObject) -> None:
            if case.path_parameters:
                case.path_parameters = _with_known(data, case.path_parameters, self.known)
            if case.query:
                case.query = _with_known(data, case.query, self.known)
            if isinstance(case.body, (Mapping, list)):
                case.body = _with_known(data, case.body, self.known)
            if label in self.bodies and data.draw(st.booleans(), label="given body"):
                case.body = data.draw(self.bodies[label], label="body")
            request, outcome = self._send(case, auth)
            report.examples += 1
            if isinstance(outcome, httpx.Response):
                self.harvest(operation, outcome, items)
                report.statuses.setdefault(label, Counter())[outcome.status_code] += 1
                report.reasons.setdefault(label, Counter())[_reason(outcome)] += 1
            status = outcome.status_code if isinstance(outcome, httpx.Response) else type(outcome).__name__
            if isinstance(status, str) or status >= 500:
                text = outcome.text if isinstance(outcome, httpx.Response) else repr(outcome)
                found.append(ServerError(label, status, _describe(request), text))
                raise FoundServerError(label)

        try:
            call()
        except FoundServerError:
            report.errors.append(found[-1])  # the shrunk case: the last one that failed
        except Exception as exc:  # the search itself failed (e.g. flaky: the database changed under it)
            detail = found[-1] if found else None
            report.errors.append(ServerError(label, type(exc).__name__, str(detail), repr(exc)))


def fuzz(fuzzer: Fuzzer) -> Report:
    """Every operation of the schema, in order; blocking (run it in a thread)."""
    report, started, items = Report(), time.monotonic(), fuzzer.item_parameters()
    for operation in fuzzer.operations():
        report.operations += 1
        fuzzer.run(operation, report, items)
    report.seconds = time.monotonic() - started
    return report

