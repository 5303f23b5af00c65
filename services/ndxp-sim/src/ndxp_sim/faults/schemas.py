from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ndxp_sim.settings import Settings

Rate = Annotated[float, Field(ge=0, le=1, description="probability, 0..1")]


class Faults(BaseModel):
    """The faults in force. Rates are rolled per request (per receipt, per record where said)."""

    latency_ms: Annotated[int, Field(ge=0, description="added before every national call")]
    error_rate: Annotated[Rate, Field(description="503 with Retry-After: 1 half the time, else 500")]
    timeout_rate: Annotated[Rate, Field(description="hang `timeout_seconds`, then 504")]
    timeout_seconds: Annotated[float, Field(ge=0)]
    drop_rate: Annotated[Rate, Field(description="process the call, then cut the connection mid-answer")]
    duplicate_receipt_rate: Annotated[Rate, Field(description="per receipt: post it twice")]
    out_of_order_receipts: Annotated[bool, Field(description="a random extra delay per receipt")]
    reject_rate: Annotated[Rate, Field(description="per record: rejected, with a reason")]
    callback_attempts: Annotated[int, Field(ge=1, description="receipt POSTs at most, first included")]

    @classmethod
    def from_settings(cls, settings: Settings) -> Faults:
        return cls(latency_ms=settings.sim_latency_ms, error_rate=settings.sim_error_rate,
                   timeout_rate=settings.sim_timeout_rate, timeout_seconds=settings.sim_timeout_seconds,
                   drop_rate=settings.sim_drop_rate, duplicate_receipt_rate=settings.sim_duplicate_receipt_rate,
                   out_of_order_receipts=settings.sim_out_of_order_receipts, reject_rate=settings.sim_reject_rate,
                   callback_attempts=settings.sim_callback_attempts)


class FaultsUpdate(BaseModel):
    """A partial update: the fields given change, the others stay."""

    model_config = ConfigDict(extra="forbid")
    latency_ms: Annotated[int, Field(ge=0)] | None = None
    error_rate: Rate | None = None
    timeout_rate: Rate | None = None
    timeout_seconds: Annotated[float, Field(ge=0)] | None = None
    drop_rate: Rate | None = None
    duplicate_receipt_rate: Rate | None = None
    out_of_order_receipts: bool | None = None
    reject_rate: Rate | None = None
    callback_attempts: Annotated[int, Field(ge=1)] | None = None

    def apply_to(self, faults: Faults) -> Faults:
        return faults.model_copy(update=self.model_dump(exclude_none=True))
