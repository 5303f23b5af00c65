from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class ChangeRequestNotFound(NotFound):
    slug, title = "change-request-not-found", "No such change request, or not yours to see"


class ChangeRequestIdReused(Conflict):
    slug, title = "change-request-id-reused", "That id belongs to a different change request"


class TransitionNotAllowed(Conflict):
    slug, title = "transition-not-allowed", "The request's state does not allow this action"


class RoleNotAllowed(Forbidden):
    slug, title = "role-not-allowed", "Your role may not take this action on this request"


class OwnRequest(Forbidden):
    slug, title = "own-request", "Nobody decides a request they made or one about their own record"


class CommentRequired(ValidationFailed):
    slug, title = "comment-required", "A comment is required to reject or return a request"


class EvidenceRequired(ValidationFailed):
    slug, title = "evidence-required", "This change needs its supporting document attached before submission"


class WindowClosed(Conflict):
    slug, title = "approval-window-closed", "Outside the approval window, and no extraordinary window is open"


class StaleRequest(Conflict):
    slug, title = "stale-change-request", ("The record changed since this request was made; it was returned "
                                           "to be rebased on the current version")



class OccurredInFuture(ValidationFailed):
    slug, title = "occurred-in-future", "The day the information changed cannot be after today"


class RuleErrorsBlockApproval(ValidationFailed):
    slug, title = "rule-errors-block-approval", ("The record this request would produce has Đúng–Đủ–Sạch–Sống "
                                                 "errors: approving it needs an override reason")
