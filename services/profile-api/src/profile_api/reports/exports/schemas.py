from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["pdf", "json", "unknown"]


class SignerPerson(BaseModel):
    """The logged-in person on whose request the province signs."""

    account_id: str
    username: str
    display_name: str
    roles: list[str]

    def label(self) -> str:
        """`Display Name (username, role, …)`: the PDF signature's /Name, read back by `parse_label`."""
        return f"{self.display_name} ({', '.join([self.username, *self.roles])})"


class CertificateInfo(BaseModel):
    subject: str
    common_name: str | None
    organization: str | None
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime


class SignedBy(BaseModel):
    certificate: CertificateInfo | None = Field(description="The province certificate that signed")
    person: dict[str, object] | None = Field(description="Who asked for the export: username, display name, roles")


class VerifyResult(BaseModel):
    valid: bool = Field(description="Intact, covers the whole document, and chains to the province root")
    kind: Kind
    signed_by: SignedBy | None
    signed_at: datetime | None = Field(description="The time the signer states (no trusted timestamp)")
    reason: str | None = Field(description="The PDF signature's /Reason, or the JWS `purpose`")
    checks: dict[str, bool] = Field(description="Each check that ran: intact, trusted, whole_document, …")
    problems: list[str] = Field(description="Why it is not valid; empty when valid")
