"""Exports of one record, read exactly as GET /profiles/{id} reads it (the caller's subtree, an
officer their own record, sensitive items only for roles that may see them), then signed by the
province on behalf of the caller. Each export is audited.

Other reports sign the same way: `signer_for(...)`, then `sign_pdf(pdf, signer)` (async) or
`sign_json(doc, signer)`, with the identity from `dependencies.Identity`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.signing import SigningIdentity
from profile_api.audit import service as audit
from profile_api.profiles import service as profiles
from profile_api.profiles.schemas import ProfileRead
from profile_api.reports.exports import queries
from profile_api.reports.exports.jws import sign_json
from profile_api.reports.exports.pades import sign_pdf
from profile_api.reports.exports.schemas import SignerPerson
from profile_api.reports.exports.signer import Signer
from profile_api.reports.exports.syll_pdf import render_syll

__all__ = ["export_syll_json", "export_syll_pdf", "sign_json", "sign_pdf", "signer_for", "syll_document"]
SCHEMA = "hoso-syll/1"
PURPOSE = "Trích xuất sơ yếu lý lịch điện tử (mẫu ban hành kèm Thông tư 06/2023/TT-BNV), có giá trị như bản gốc"


async def requester(session: AsyncSession, principal: Principal) -> SignerPerson:
    name = await queries.display_name(session, principal.subject)
    return SignerPerson(account_id=str(principal.subject), username=principal.username,
                        display_name=name or principal.username, roles=sorted(principal.roles))


async def signer_for(session: AsyncSession, principal: Principal, identity: SigningIdentity, purpose: str) -> Signer:
    """The province signing on behalf of the caller, for `purpose` (Vietnamese: it is printed and signed)."""
    return Signer(identity, await requester(session, principal), purpose)


async def _read(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, cipher: FieldCipher,
                identity: SigningIdentity, kind: str, today: date) -> tuple[ProfileRead, Signer]:
    record = await profiles.get_profile(session, principal, profile_id, cipher, today)  # 404 beyond the caller's reach
    await audit.record(session, principal, f"export.syll.{kind}", "profile", record.id,
                       fields=["sensitive" if record.sensitive_included else "clear"])
    return record, await signer_for(session, principal, identity, PURPOSE)


async def export_syll_pdf(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, cipher: FieldCipher,
                          identity: SigningIdentity, today: date) -> tuple[ProfileRead, bytes]:
    record, signer = await _read(session, principal, profile_id, cipher, identity, "pdf", today)
    unsigned = await asyncio.to_thread(render_syll, record, signer)  # font subsetting is CPU work
    return record, await sign_pdf(unsigned, signer)


def syll_document(record: ProfileRead, signer: Signer) -> dict[str, Any]:
    clear = record.model_dump(mode="json", include={"category", "status", "version", "sensitive_included", "level",
                                                    "withheld", "citizen_id_masked", "items", "sections"})
    return {"schema": SCHEMA, "form": "TT 06/2023/TT-BNV", "profile_id": str(record.id),
            "org_unit_id": str(record.org_unit_id), "exported_at": signer.signed_at.isoformat().replace("+00:00", "Z"),
            **clear}


async def export_syll_json(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, cipher: FieldCipher,
                           identity: SigningIdentity, today: date) -> tuple[ProfileRead, dict[str, Any]]:
    record, signer = await _read(session, principal, profile_id, cipher, identity, "json", today)
    return record, sign_json(syll_document(record, signer), signer)
