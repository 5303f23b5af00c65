from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such unit on that date, or not in your subtree"


class OrgUnitClosed(Conflict):
    slug, title = "org-unit-closed", "The unit has been closed (merged, split or dissolved)"


class OrgUnitCodeTaken(Conflict):
    slug, title = "org-unit-code-taken", "Another unit already has this code"


class ElectronicIdTaken(Conflict):
    slug, title = "electronic-id-taken", "Another unit already has this electronic identifier"


class OrgUnitNotEmpty(Conflict):
    slug, title = "org-unit-not-empty", "The unit still has people, accounts or child units"


class EffectiveDateTooEarly(ValidationFailed):
    slug, title = "effective-date-too-early", "The change would take effect before the current state began"


class EffectiveDateTooLate(ValidationFailed):
    slug, title = "effective-date-too-late", "The change would take effect further ahead than changes may be dated"


class ConfirmationMismatch(ValidationFailed):
    slug, title = "confirmation-mismatch", "Confirm a merge, split or dissolution by repeating the unit's code"


class DistrictAbolished(ValidationFailed):
    slug, title = "district-abolished", "District-level units do not exist from 1 July 2025"


class OrgCycle(ValidationFailed):
    slug, title = "org-cycle", "A unit cannot be placed inside itself or its own subtree"


class InvalidRestructuring(ValidationFailed):
    slug, title = "invalid-restructuring", "The restructuring request does not fit the units involved"


class OwnOrgUnit(Forbidden):
    slug, title = "own-org-unit", "Your own unit is restructured by the level above you"


class OutsideSubtree(Forbidden):
    slug, title = "outside-subtree", "The change would reach outside your subtree"


ERRORS = {**OrgUnitNotFound.openapi(), **OrgUnitClosed.openapi(), **EffectiveDateTooEarly.openapi()}
# The routes that change an existing unit: the caller's own unit is refused (OwnOrgUnit).
CHANGE_ERRORS = {**ERRORS, **OwnOrgUnit.openapi()}
