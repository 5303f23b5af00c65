"""The wire formats by version, each one adapter from our record to a national payload, and the one call the
packet builder makes (`encode_packet`). A format is the content of each record's `record` and the packet's
`format` field, nothing else: delivery, the hash chain and signing work on the canonical bytes whatever the
version, so adding one (`ADAPTERS`) touches none of them."""

from __future__ import annotations

from typing import Any, Protocol

from sync_gateway.national.errors import FormatUnknown
from sync_gateway.national.v1 import V1

CURRENT = "v1"  # HOSO_WIRE_FORMAT's default


class Adapter(Protocol):
    version: str

    def encode(self, record: dict[str, Any]) -> dict[str, Any]:
        """The national payload of our record (`{"items", "sections"}`, as a version's snapshot holds it)."""
        ...

    def schema(self) -> dict[str, Any]:
        """The JSON Schema (2020-12) every payload `encode` makes validates against."""
        ...


ADAPTERS: dict[str, Adapter] = {V1.version: V1()}


def adapter_for(version: str) -> Adapter:
    if (adapter := ADAPTERS.get(version)) is None:
        raise FormatUnknown(f"định dạng {version!r} không có; có: {', '.join(sorted(ADAPTERS))} "
                            f"/ no format {version!r}; known: {', '.join(sorted(ADAPTERS))}")
    return adapter


def encode_packet(document: dict[str, Any], version: str) -> dict[str, Any]:
    """The packet `document` (wire.document, records holding our record) in format `version`: the version
    named in the signed body, each record's `record` the adapter's payload."""
    adapter = adapter_for(version)
    return {**document, "format": adapter.version,
            "records": [{**r, "record": adapter.encode(r["record"])} for r in document["records"]]}
