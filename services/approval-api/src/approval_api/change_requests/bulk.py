"""Deciding many requests in one call (DOHA approving an agency's migration at once: hanoi-2024 Điều 7).

The requests are read and locked in one statement, and what deciding them reads besides (the caller's delegators,
each unit's approval window, the records' versions) once per call, so a call of 1,000 runs the same statements
whether 1,000 or 20,000 requests wait. Every request goes through the same rules as a single decision
(`service.decide`); a refused one is refused before anything of it is written, so it fails alone and the others
stand, all in one transaction. Approved requests are then applied in batches (`apply_many_approved`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from approval_api.applying.apply import apply_many_approved
from approval_api.applying.client import Applied, Refused
from approval_api.change_requests import queries
from approval_api.change_requests.errors import ChangeRequestNotFound, StaleRequest
from approval_api.change_requests.schemas import BulkAction, BulkItem, BulkResult
from approval_api.change_requests.service import Facts, Workflow, decide, lent_for, stale_comment
from approval_api.change_requests.workflow import Action
from hoso_shared.auth import Principal
from hoso_shared.db.engine import session_scope
from hoso_shared.db.models import Account, ChangeRequest
from hoso_shared.problems import Problem


class Preloaded(Facts):
    """The call's facts read up front: delegators once, every record's version in one statement."""

    lent: list[tuple[Account, str]]
    versions: dict[uuid.UUID, int]

    async def load(self, requests: list[ChangeRequest], action: Action) -> None:
        self.lent = await queries.delegators_for(self.session, self.principal.subject, self.today)
        self.versions = (await queries.profile_versions(self.session, {r.profile_id for r in requests})
                         if action is Action.APPROVE else {})

    async def delegator(self, request: ChangeRequest, path: str) -> Account | None:
        return lent_for(self.lent, request, path)

    async def version(self, profile_id: uuid.UUID) -> int | None:
        return self.versions.get(profile_id)


async def decide_many(env: Workflow, principal: Principal, body: BulkAction, now: datetime) -> BulkResult:
    """A result per distinct id, in the order given."""
    action, ids = Action(body.action), list(dict.fromkeys(body.ids))
    results: dict[uuid.UUID, BulkItem] = {}
    async with session_scope(env.sessionmaker) as session:
        found = await queries.many_by_id(session, ids)
        facts = Preloaded(session, principal, env.policy, now)
        await facts.load([request for request, _ in found.values()], action)
        for change_request_id in ids:
            results[change_request_id] = await _decide_one(env, facts, found.get(change_request_id), action,
                                                           body.comment, change_request_id)
    items = [results[i] for i in ids]
    approved = [item.id for item in items if item.ok and item.state == "approved"]
    if approved:  # applied in batches, not one call each
        applied = await apply_many_approved(env.sessionmaker, env.profiles, approved, now, env.metrics)
        for item in items:
            result = applied.get(item.id)
            if isinstance(result, Applied):
                item.state = "applied"
            elif isinstance(result, Refused):  # as a single approval answers it: the item fails
                item.ok, item.state, item.problem = False, None, result.problem
    ok = sum(item.ok for item in items)
    return BulkResult(succeeded=ok, failed=len(items) - ok, results=items)


async def _decide_one(env: Workflow, facts: Preloaded, found: tuple[ChangeRequest, str] | None, action: Action,
                      comment: str | None, change_request_id: uuid.UUID) -> BulkItem:
    try:
        if found is None:
            raise ChangeRequestNotFound()
        stale = await decide(env, facts, *found, action, comment)
        if stale is not None:  # returned to its requester, which stands; the item fails as a single one would
            raise StaleRequest(stale_comment(*stale), base_version=stale[0], current_version=stale[1])
    except Problem as problem:
        return BulkItem(id=change_request_id, ok=False, problem=problem.body())
    return BulkItem(id=change_request_id, ok=True, state=found[0].state)
