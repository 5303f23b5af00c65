from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class ReviewNotFound(NotFound):
    slug, title = "review-not-found", "No such quarterly review, or not in your subtree"


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"


class InvalidQuarter(ValidationFailed):
    slug, title = "invalid-quarter", "Not a quarter that has begun, like 2026-Q4"


class UnitDoesNotReview(ValidationFailed):
    slug, title = "unit-does-not-review", "The unit has no agency account: its direct parent reviews for it"


class ReviewsForbidden(Forbidden):
    slug, title = "reviews-forbidden", "Reading or preparing reviews needs reports:read or quality:read"


class SignerNotAuthorised(Forbidden):
    slug, title = "review-signer-not-authorised", "Only the unit's own approver may sign and submit its review"


class ReviewAlreadySubmitted(Conflict):
    slug, title = "review-already-submitted", "The unit's review of this quarter is already submitted"


class ReviewContentChanged(Conflict):
    slug, title = "review-content-changed", "The review's content is not the one you read: read it again"


class ReviewNotSubmitted(Conflict):
    slug, title = "review-not-submitted", "A draft is not signed: only a submitted review is exported"
