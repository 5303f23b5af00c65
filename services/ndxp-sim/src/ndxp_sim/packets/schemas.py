"""The packet as docs/ndxp.md defines it. Unknown extra fields are tolerated (a newer gateway may
add some); every field the contract names is required, with the type it gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator, model_validator

from ndxp_sim.receipts.schemas import Receipt

Hex256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
NonEmpty = Annotated[StrictStr, Field(min_length=1, max_length=200)]
# An agency's electronic identifier, QĐ 20/2020/QĐ-TTg: dot-separated groups of 0-9/A-Z, at most 35 characters, the
# level-1 code (a letter, two digits) last, then levels 2, 3 and 4 (2, 2, 3 characters). Written here from the
# decision, not taken from the gateway (the simulator shares none of the code it checks).
AgencyId = Annotated[StrictStr, Field(max_length=35, pattern=(
    r"^(?:[0-9A-Z]{1,3}\.)*[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$"))]


class PacketRecord(BaseModel):
    model_config = ConfigDict(extra="allow")
    record_id: NonEmpty
    change_request_id: StrictStr | None
    citizen_id: Annotated[StrictStr, Field(pattern=r"^\d{12}$")]
    profile_version: Annotated[StrictInt, Field(ge=1)]
    kind: NonEmpty
    changed: list[StrictStr]
    record: dict[str, Any]  # checked against the packet's format (packets.formats), or as `_unversioned`
    warnings: list[StrictStr]


class Packet(BaseModel):
    model_config = ConfigDict(extra="allow")
    schema_: Literal["hoso-packet/1"] = Field(alias="schema")
    packet_id: Annotated[StrictStr, Field(pattern=r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")]
    province_code: Annotated[StrictStr, Field(pattern=r"^\d{2}$")]
    agency_code: NonEmpty
    agency_id: AgencyId | None = Field(None, description="The agency's electronic identifier; absent from packets "
                                       "built before identifiers (docs/ndxp.md)")
    sequence: Annotated[StrictInt, Field(ge=1)]
    prev_hash: Hex256 | None
    created_at: AwareDatetime
    records: Annotated[list[PacketRecord], Field(min_length=1)]
    # The wire format version (docs/national-format.md) its records' `record` follow; absent: the shape of before.
    format: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9._-]{1,20}$")] | None = None

    @field_validator("records")
    @classmethod
    def _record_ids_unique(cls, value: list[PacketRecord]) -> list[PacketRecord]:
        ids = [r.record_id for r in value]
        if len(set(ids)) != len(ids):
            raise ValueError("record_id repeats within the packet")
        return value

    @model_validator(mode="after")
    def _unversioned(self) -> Packet:
        """A packet that names no format carries our record as it was: objects `items` and `sections`."""
        if self.format is None and not all(isinstance(r.record.get("items"), dict)
                                           and isinstance(r.record.get("sections"), dict) for r in self.records):
            raise ValueError("record must hold objects `items` and `sections`")
        return self


class PacketAnswer(BaseModel):
    packet_id: str
    status: Literal["accepted", "duplicate"]


class StoredPacketRead(BaseModel):
    """What the simulator keeps of a packet (`ndxp_sim.packets.store`)."""

    packet_id: str = Field(description="The packet's id, its idempotency key.")
    agency_code: str = Field(description="The agency whose hash chain the packet is in.")
    sequence: int = Field(description="Its place in the agency's chain, from 1.")
    hash: str = Field(description="sha256 of the signed bytes (hex): what the next packet's `prev_hash` names.")
    received_at: datetime = Field(description="When it was first stored.")
    chain: Literal["verified", "broken", "pending"] = Field(
        description="The link to its predecessor: `pending` until both ends are stored.")
    deliveries: int = Field(description="How many times the packet was POSTed (duplicates included).")
    record_count: int = Field(description="How many records it carries.")
    packet: dict[str, Any] | None = Field(
        description="The packet as it arrived; null once its body was let go to bound memory "
                    "(`HOSO_SIM_PACKET_BODIES_BYTES` of compressed bodies are kept, the newest first).")
    receipt: Receipt = Field(description="The receipt decided when it was stored.")
    receipt_delivery: Literal["pending", "delivered", "refused", "failed", "cancelled"] = Field(
        description="Where posting the receipt back to the gateway stands.")
    receipt_posts: int = Field(description="Callback POSTs of the receipt, duplicates and retries included.")
