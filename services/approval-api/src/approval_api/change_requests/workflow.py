"""The change-request state machine and who may move it (DESIGN "the life of a change", step 2), as plain
data and one function, so the whole table is tested without HTTP or a database.

draft → submitted → approved | rejected | returned; approved → applied; draft | submitted | returned →
withdrawn; returned → submitted (corrected). An applied request goes back to returned only when the
national side rejects it (a service's call, with the national reason)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    WITHDRAW = "withdraw"


# action → (states it starts from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({"draft", "returned"}), "submitted"),
    Action.APPROVE: (frozenset({"submitted"}), "approved"),
    Action.REJECT: (frozenset({"submitted"}), "rejected"),
    Action.RETURN: (frozenset({"submitted"}), "returned"),
    Action.WITHDRAW: (frozenset({"draft", "submitted", "returned"}), "withdrawn"),
}
DECISIONS = frozenset({Action.APPROVE, Action.REJECT, Action.RETURN})
NEEDS_COMMENT = frozenset({Action.REJECT, Action.RETURN})
OPEN_STATES = ("draft", "submitted", "returned", "approved")  # not yet settled


class Refusal(StrEnum):
    """Why an action is refused; the service turns each into its problem type."""

    NOT_VISIBLE = "not-visible"  # outside the caller's subtree and not theirs: answered as 404
    WRONG_ROLE = "wrong-role"  # visible, but the caller's role may not take this action
    OWN_REQUEST = "own-request"  # nobody decides a request they made, or one about their own record
    STATE = "state"  # not allowed from the request's current state
    COMMENT = "comment-required"
    EVIDENCE = "evidence-required"


@dataclass(frozen=True, slots=True)
class Caller:
    """What the workflow needs to know about the caller, relative to one request."""

    is_requester: bool  # made the request
    is_subject: bool  # the request is about the caller's own record
    writes_unit: bool  # holds change-requests:write over the request's unit (an agency's HR staff)
    decides_unit: bool  # holds change-requests:decide over it, directly or by a delegation in force
    reads_unit: bool  # may see requests of the unit at all


def refusal(action: Action, state: str, caller: Caller, *, comment: str | None = None,
            evidence_missing: bool = False) -> Refusal | None:
    """None when `caller` may take `action` on a request in `state`; otherwise why not. Visibility is
    checked first, so a caller outside the subtree learns nothing about the request."""
    if not (caller.is_requester or caller.is_subject or caller.reads_unit or caller.writes_unit
            or caller.decides_unit):
        return Refusal.NOT_VISIBLE
    if action in DECISIONS:
        if not caller.decides_unit:
            return Refusal.WRONG_ROLE
        if caller.is_requester or caller.is_subject:
            return Refusal.OWN_REQUEST
    elif not (caller.is_requester or caller.writes_unit):
        return Refusal.WRONG_ROLE
    sources, _ = TRANSITIONS[action]
    if state not in sources:
        return Refusal.STATE
    if action in NEEDS_COMMENT and not (comment or "").strip():
        return Refusal.COMMENT
    if action is Action.SUBMIT and evidence_missing:
        return Refusal.EVIDENCE
    return None


def target(action: Action) -> str:
    return TRANSITIONS[action][1]
