"""The record formats the national side takes, by version, and the check of a packet against its version.

A packet names its format (`format`, in the signed body); each record's `record` must validate against that
version's JSON Schema (draft 2020-12), as the gateway publishes it (`GET /api/v1/national/schema/{version}`,
docs/national-format.md). The schema is fetched once per version and kept (a version's schema never changes),
or given inline (tests). Validation is `jsonschema-rs`'s, not code of the gateway's: the simulator checks the
published document, never the mapping that produced it; the tests check the gateway's packets with another
implementation (Python's `jsonschema`), so a record both accept follows the standard, not one library's
reading of it (`jsonschema` costs ~1.3 ms a record, `jsonschema-rs` a few µs: bench/wire_format.py). A packet
without `format` is the unversioned shape of before (`{"items", "sections"}`), checked by `packets.schemas`."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from jsonschema_rs import Draft202012Validator, ValidationError

from hoso_shared.logging import get_logger
from ndxp_sim.errors import NdxpError
from ndxp_sim.keys.gateway import Fetch

if TYPE_CHECKING:
    from ndxp_sim.packets.schemas import Packet

SCHEMA_PATH = "/api/v1/national/schema/{version}"
MAX_ERRORS = 20  # named in a refusal; more would only repeat the same mistake
log = get_logger("ndxp_sim.formats")


def schema_url(template: str, jwks_url: str) -> str:
    """Where a version's schema is: the configured template, or the gateway whose JWKS we fetch."""
    if template:
        return template
    parts = urlsplit(jwks_url)
    return f"{parts.scheme}://{parts.netloc}{SCHEMA_PATH}"


class Formats:
    def __init__(self, *, inline: str, url: str, fetch: Fetch) -> None:
        self.url, self.fetch = url, fetch
        self.fixed = bool(inline.strip())
        given: dict[str, Any] = json.loads(inline) if self.fixed else {}
        self.validators = {version: _validator(schema) for version, schema in given.items()}
        self._lock = asyncio.Lock()

    async def validator(self, version: str) -> Format:
        if version in self.validators or self.fixed:
            return self._known(version)
        async with self._lock:  # one fetch for a burst of packets of a new version
            if version not in self.validators:
                url = self.url.replace("{version}", version)
                try:
                    self.validators[version] = _validator(await self._fetch(url, version))
                except ValueError as exc:  # the gateway published something that is not a schema
                    raise self._unavailable(url, exc) from exc
        return self.validators[version]

    def _known(self, version: str) -> Format:
        if (validator := self.validators.get(version)) is None:
            raise NdxpError(400, "malformed", detail=f"unknown format {version!r}")
        return validator

    async def _fetch(self, url: str, version: str) -> dict[str, Any]:
        try:
            return await self.fetch(url)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                raise NdxpError(400, "malformed", detail=f"unknown format {version!r}") from exc
            raise self._unavailable(url, exc) from exc
        except Exception as exc:  # any other failure to fetch: the packet is not at fault, try again later
            raise self._unavailable(url, exc) from exc

    @staticmethod
    def _unavailable(url: str, exc: Exception) -> NdxpError:
        log.warning("format_schema_unavailable", url=url, error=type(exc).__name__)
        return NdxpError(503, "formats_unavailable", headers={"Retry-After": "1"},
                         detail="the format's schema could not be fetched")


@dataclass(frozen=True)
class Format:
    schema: dict[str, Any]
    validator: Draft202012Validator


def _validator(schema: dict[str, Any]) -> Format:
    try:
        return Format(schema, Draft202012Validator(schema, validate_formats=True))
    except ValidationError as exc:
        raise ValueError(f"not a JSON Schema (2020-12): {exc.message}") from exc


def _why(error: ValidationError, schema: dict[str, Any]) -> str:
    """The rule a value broke, without the value: a refusal may be logged and kept where personal data must
    not be (only key names, which `required` and `additionalProperties` messages hold, are repeated)."""
    *path, keyword = error.schema_path
    if keyword in ("required", "additionalProperties"):
        return error.message
    rule: Any = schema
    for step in [*path, keyword]:
        rule = rule[step]
    return f"{keyword}: {json.dumps(rule, ensure_ascii=False)[:200]}"


async def check_format(formats: Formats, packet: Packet) -> None:
    """Refuses (400 malformed) a packet any record of which does not validate against its format's schema,
    naming each record, the path in it and the rule broken."""
    if packet.format is None:
        return
    if errors := _errors(await formats.validator(packet.format), packet):
        raise NdxpError(400, "malformed", detail=f"records do not follow format {packet.format}", errors=errors)


def _errors(checked: Format, packet: Packet) -> list[dict[str, str]]:
    found = ({"record_id": record.record_id, "path": "/" + "/".join(str(p) for p in error.instance_path),
              "msg": _why(error, checked.schema)}
             for record in packet.records for error in checked.validator.iter_errors(record.record))
    return list(itertools.islice(found, MAX_ERRORS))
