"""A proposal is record content: what of it a reader may see (issue 21; QĐ 6187 Điều 4 khoản 3: data managed by
its degree of access restriction), withheld as profile-api withholds it from the record (hoso_shared.form.access)."""

from __future__ import annotations

from approval_api.change_requests.schemas import ChangeRequestRead
from hoso_shared.auth import Principal, clearance_of
from hoso_shared.auth.clearance import role_clearance
from hoso_shared.auth.scopes import scopes_for_roles
from hoso_shared.db.models import Account
from hoso_shared.form import access


def reading_level(principal: Principal, delegators: list[Account]) -> int:
    """The caller's clearance, or the delegator's when higher: a person deciding for an approver (ủy quyền) reads
    what the approver would."""
    return max([clearance_of(principal), *(role_clearance(a.roles, scopes_for_roles(a.roles)) for a in delegators)])


def shown(read: ChangeRequestRead, principal: Principal, level: int) -> ChangeRequestRead:
    """The proposal as the reader may see it (Điều 4 khoản 3: data by its degree of access restriction): items and
    tables above `level` left out, as profile-api leaves them out of the record. The person and the requester see
    it whole."""
    if principal.profile_id == read.profile_id or principal.subject == read.requested_by:
        return read
    withheld = access.withheld(level)
    if not withheld:
        return read
    payload = dict(read.payload)
    if isinstance(payload.get("items"), dict):
        payload["items"] = access.mask_items(payload["items"], level)
    if isinstance(payload.get("sections"), dict):
        payload["sections"] = access.mask_sections(payload["sections"], level)
    return read.model_copy(update={"payload": payload, "withheld": withheld})
