from __future__ import annotations

from hoso_shared.problems import Conflict, NotFound, Problem, ServiceUnavailable, ValidationFailed


class InvalidChange(ValidationFailed):
    slug, title = "invalid-change", "The proposed change would not leave a valid record"


class RowNotFound(NotFound):
    slug, title = "section-row-not-found", "No such row in this table of the profile"


class UnknownAttachment(ValidationFailed):
    slug, title = "unknown-attachment", "Evidence must be uploaded to this profile first"


class ApprovalUnavailable(ServiceUnavailable):
    slug, title = "approval-unavailable", "The approval service did not take the change; nothing was changed"


class ChangeRequestNotApproved(Conflict):
    slug, title = "change-request-not-approved", "Only an approved change request can be applied"


class StaleChangeRequest(Conflict):
    slug, title = "stale-change-request", "The record changed since this request was made; it must be rebased"


class ChangeRequestUnknown(NotFound):
    slug, title = "change-request-not-found", "No such change request"


class ProfileArchived(Problem):
    status, slug, title = 409, "profile-archived", "The record is archived; it can be read but not changed"


class EvidenceRequired(ValidationFailed):
    slug, title = "evidence-required", "This change needs its supporting document attached before submission"


class OccurredInFuture(ValidationFailed):
    slug, title = "occurred-in-future", "The day the information changed cannot be after today"
