from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class TransferNotFound(NotFound):
    slug, title = "transfer-not-found", "No such transfer"


class TransferNotOpen(Conflict):
    slug, title = "transfer-not-open", "The transfer is no longer waiting for this step"


class TransferPending(Conflict):
    slug, title = "transfer-pending", "The person's transfer to another agency awaits its acceptance"


class OpenChangeRequests(Conflict):
    slug, title = "open-change-requests", "The person's open change requests must be decided or withdrawn first"


class NotTheReceiver(Forbidden):
    slug, title = "not-the-receiver", "Only the receiving agency (or DOHA) accepts or refuses a transfer"


class NotTheSender(Forbidden):
    slug, title = "not-the-sender", "Only the sending agency (or DOHA) cancels a transfer"


class InvalidReceiver(ValidationFailed):
    slug, title = "invalid-receiver", "The receiving unit must be a current unit outside your own subtree"
