from __future__ import annotations

from hoso_shared.problems import Conflict, NotFound, Problem, ServiceUnavailable, Unauthorized, ValidationFailed


class MalformedReceipt(Problem):
    status, slug, title = 400, "malformed-receipt", "The receipt is not a compact JWS of a receipt"


class InvalidReceipt(ValidationFailed):
    slug, title = "invalid-receipt", "The receipt's content does not follow docs/ndxp.md"


class BadReceiptSignature(Unauthorized):
    slug, title = "bad-receipt-signature", "The receipt's signature does not verify against the national keys"


class StaleReceipt(Conflict):
    slug, title = "stale-receipt", "The receipt was issued too long ago (or in the future): refused as a replay"


class ReceiptIdReused(Conflict):
    slug, title = "receipt-id-reused", "That receipt id was recorded with other content"


class ReceiptForAnotherAgency(Conflict):
    slug, title = "receipt-for-another-agency", "The receipt names another agency than the packet it acknowledges"


class UnknownPacket(NotFound):
    slug, title = "unknown-packet", "No packet of ours has that id"


class NationalKeysUnavailable(ServiceUnavailable):
    slug, title = "national-keys-unavailable", "We cannot fetch the national side's keys right now; send it again later"
