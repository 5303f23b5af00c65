"""The review's hash and its signature, made with the signed exports' helpers (`reports.exports.jws`): a
detached compact JWS (RFC 7515 appendix F, ES256) over the RFC 8785 canonical bytes of the content, by
the province's signing identity (key and certificate chain in `x5c`), on behalf of the person who submits
it (their account id, username, display name and roles in the protected header's `signer`, with
`signed_at` and the `purpose`).

So a submitted review is checked like any signed JSON export: `{**content, "signature": signature}` to
`POST /api/v1/reports/verify`, or `verify` here."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography import x509

from hoso_shared.db.models import Account
from hoso_shared.signing import SigningIdentity
from profile_api.reports.exports import jws
from profile_api.reports.exports.schemas import SignerPerson, VerifyResult
from profile_api.reports.exports.signer import Signer

SIGNATURE = jws.SIGNATURE  # the member a signed document carries its JWS in; a review's content has none


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the content's RFC 8785 canonical bytes: what the signer confirms and the JWS signs."""
    return hashlib.sha256(jws.payload(content)).hexdigest()


def purpose(quarter: str, unit_code: str, unit_name: str) -> str:
    return f"Báo cáo rà soát dữ liệu quý {quarter} của {unit_name} ({unit_code})"


def sign(identity: SigningIdentity, content: dict[str, Any], *, signer: Account, unit_code: str, unit_name: str,
         quarter: str, at: datetime) -> str:
    """`header..signature` over the content, by the province for `signer`."""
    if SIGNATURE in content:
        raise ValueError(f"a review's content has no {SIGNATURE!r} member")
    person = SignerPerson(account_id=str(signer.id), username=signer.username, display_name=signer.display_name,
                          roles=sorted(signer.roles))
    signed = jws.sign_json(content, Signer(identity=identity, person=person, signed_at=at.replace(microsecond=0),
                                           purpose=purpose(quarter, unit_code, unit_name)))
    detached: str = signed[SIGNATURE]
    return detached


def signed_person(signature: str) -> SignerPerson | None:
    """The person the stored signature names (its protected header's `signer`), as signed at submission."""
    header = signature.split(".")[0]
    try:
        claims = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        return SignerPerson.model_validate(claims["signer"])
    except (ValueError, binascii.Error, KeyError, TypeError):  # pydantic's ValidationError is a ValueError
        return None


async def verify(content: dict[str, Any], signature: str, roots: Iterable[x509.Certificate]) -> VerifyResult:
    """Intact (the signature covers exactly this content) and signed under one of `roots`."""
    return await jws.verify_json(json.dumps({**content, SIGNATURE: signature}).encode(), roots)
