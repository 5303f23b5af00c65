"""Bulk decisions, listings, the national side's rejections, and applying exactly once whatever
happens between approval-api and profile-api (retries, reconciler passes, a connection cut after
profile-api committed, a record changed under a pending request), plus the service's gauges."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api import tasks
from approval_api.applying.apply import reconcile_once
from approval_api.applying.client import ProfileClient
from approval_api.change_requests.service import Workflow
from approval_api.collaborators import Collaborators
from hoso_shared.db.models import ChangeRequest, Decision, OutboxRow, Profile, ProfileVersion
from hoso_shared.web import collaborators_of
from tests.approval_api.conftest import IN_WINDOW, SERVICE, Apis, World
from tests.factories import bearer, make_profile

REQUESTS = "/api/v1/change-requests"
PROBLEM = "urn:hoso:problem:"
LATER = IN_WINDOW + timedelta(seconds=1)  # the reconciler only takes requests decided before "now"


def env_of(apis: Apis) -> Workflow:
    return collaborators_of(apis.approval.app, Collaborators).workflow


async def state_of(session: AsyncSession, request: ChangeRequest) -> str:
    await session.refresh(request)
    return request.state


async def versions(session: AsyncSession, profile: Profile) -> int:
    stmt = select(func.count()).select_from(ProfileVersion).where(ProfileVersion.profile_id == profile.id)
    return int((await session.execute(stmt)).scalar_one())


async def outbox_rows(session: AsyncSession, request: ChangeRequest) -> int:
    stmt = select(func.count()).select_from(OutboxRow).where(OutboxRow.change_request_id == request.id)
    return int((await session.execute(stmt)).scalar_one())


async def trail(session: AsyncSession, request: ChangeRequest) -> list[Decision]:
    stmt = select(Decision).where(Decision.change_request_id == request.id).order_by(Decision.id)
    return list((await session.scalars(stmt)).all())


async def approve(apis: Apis, world: World, request: ChangeRequest) -> httpx.Response:
    return await apis.approval.post(f"{REQUESTS}/{request.id}/approve", headers=world.auth["approver"])


class TestBulk:
    async def test_each_item_is_decided_on_its_own(self, session: AsyncSession, apis: Apis, world: World) -> None:
        other = await make_profile(session, unit=world.agency, full_name="Đỗ Minh Châu")
        first, second = await world.request(session), await world.request(session, profile=other)
        draft = await world.request(session, state="draft", profile=other)
        # A repeated id is decided once.
        ids = [str(first.id), str(second.id), str(draft.id), str(first.id)]
        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"],
                                     json={"action": "approve", "ids": ids})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["succeeded"], body["failed"]) == (2, 1)
        assert [(i["id"], i["ok"], i["state"]) for i in body["results"]] == [
            (str(first.id), True, "applied"), (str(second.id), True, "applied"), (str(draft.id), False, None)]
        problem = body["results"][2]["problem"]
        assert (problem["type"], problem["status"]) == (PROBLEM + "transition-not-allowed", 409)
        assert [await state_of(session, x) for x in (first, second, draft)] == ["applied", "applied", "draft"]

    async def test_a_bulk_rejection_without_a_comment_fails_every_item(self, session: AsyncSession, apis: Apis,
                                                                      world: World) -> None:
        requests = [await world.request(session) for _ in range(3)]
        ids = [str(x.id) for x in requests]
        for body in ({"action": "reject", "ids": ids}, {"action": "reject", "ids": ids, "comment": "  "}):
            r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"], json=body)
            assert r.status_code == 200, r.text
            assert (r.json()["succeeded"], r.json()["failed"]) == (0, 3)
            assert {i["problem"]["type"] for i in r.json()["results"]} == {PROBLEM + "comment-required"}
        assert {await state_of(session, x) for x in requests} == {"submitted"}

        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"],
                                     json={"action": "reject", "ids": ids, "comment": "Không có căn cứ"})
        assert (r.json()["succeeded"], r.json()["failed"]) == (3, 0)
        assert {await state_of(session, x) for x in requests} == {"rejected"}

    async def test_an_officer_decides_nothing_in_bulk(self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session, by="colleague")
        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["officer"],
                                     json={"action": "approve", "ids": [str(request.id)]})
        assert r.status_code == 200 and r.json()["failed"] == 1
        assert r.json()["results"][0]["problem"]["status"] in (403, 404)
        assert await state_of(session, request) == "submitted"

    async def test_bulk_takes_only_decisions(self, apis: Apis, world: World) -> None:
        for body in ({"action": "submit", "ids": [str(uuid.uuid4())]}, {"action": "approve", "ids": []}):
            r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"], json=body)
            assert r.status_code == 422, r.text


async def listed(apis: Apis, headers: dict[str, str], **params: Any) -> list[str]:
    """Every id the listing gives, following `next_cursor`; fails on a repeat."""
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await apis.approval.get(REQUESTS, headers=headers, params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= int(params.get("limit", 100))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a page repeated an item"
    return seen


class TestListing:
    async def test_filters_paging_and_visibility(self, session: AsyncSession, apis: Apis, world: World) -> None:
        submitted = [await world.request(session) for _ in range(3)]
        draft = await world.request(session, state="draft")
        applied = await world.request(session, state="applied")
        colleague_record = await session.get(Profile, world.accounts["colleague"].profile_id)
        colleagues = await world.request(session, by="colleague", profile=colleague_record)
        everything = {str(x.id) for x in (*submitted, draft, applied, colleagues)}

        r = await apis.approval.get(REQUESTS, headers=world.auth["approver"], params={"state": "submitted"})
        assert r.status_code == 200, r.text
        assert {i["id"] for i in r.json()["items"]} == {str(x.id) for x in (*submitted, colleagues)}
        assert {i["state"] for i in r.json()["items"]} == {"submitted"}
        r = await apis.approval.get(REQUESTS, headers=world.auth["approver"],
                                    params=[("state", "draft"), ("state", "applied")])
        assert {i["id"] for i in r.json()["items"]} == {str(draft.id), str(applied.id)}

        # The requests share created_at (one transaction): paging must break the tie by id.
        pages = await listed(apis, world.auth["approver"], limit=2)
        assert set(pages) == everything and len(pages) == 6
        assert await listed(apis, world.auth["approver"], limit=1, state="submitted") == [
            i for i in pages if i in {str(x.id) for x in (*submitted, colleagues)}]

        # An officer sees what they asked for, and nothing of a colleague's own request.
        mine = await listed(apis, world.auth["officer"], limit=2)
        assert set(mine) == everything - {str(colleagues.id)}
        assert await listed(apis, world.auth["colleague"]) == [str(colleagues.id)]
        # …and what HR proposed about their own record (they are its subject).
        about_me = await world.request(session, by="agency_admin")
        assert set(await listed(apis, world.auth["officer"], limit=2)) == set(mine) | {str(about_me.id)}
        assert await listed(apis, world.auth["colleague"]) == [str(colleagues.id)]
        # Another unit's approver sees none of them.
        assert await listed(apis, world.auth["approver_elsewhere"]) == []

    async def test_older_than_days_filters_by_submission(self, session: AsyncSession, apis: Apis,
                                                         world: World) -> None:
        old = await world.request(session, submitted_at=IN_WINDOW - timedelta(days=10))
        await world.request(session, submitted_at=IN_WINDOW - timedelta(days=2))
        await world.request(session)
        await world.request(session, state="draft")  # never submitted: not "older" than anything
        assert await listed(apis, world.auth["approver"], older_than_days=5) == [str(old.id)]
        assert len(await listed(apis, world.auth["approver"], older_than_days=1)) == 2
        assert len(await listed(apis, world.auth["approver"], older_than_days=0)) == 2  # strictly before now

    async def test_a_cursor_it_did_not_give_is_refused(self, apis: Apis, world: World) -> None:
        forged = [
            "not a cursor!",
            base64.urlsafe_b64encode(b"no separator").decode(),
            base64.urlsafe_b64encode(b"2026-11-28T03:00:00+00:00|not-a-uuid").decode(),
            base64.urlsafe_b64encode(b"\xff\xfe|").decode(),
        ]
        for cursor in forged:
            r = await apis.approval.get(REQUESTS, headers=world.auth["approver"], params={"cursor": cursor})
            assert r.status_code == 422, f"{cursor}: {r.text}"
            assert r.json()["type"] == PROBLEM + "invalid-cursor"


class TestNationalRejection:
    def url(self, request: ChangeRequest) -> str:
        return f"/internal/v1/change-requests/{request.id}/national-rejection"

    async def test_an_applied_request_goes_back_once(self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session, state="applied")
        reason = "Số định danh không khớp CSDL quốc gia về dân cư"
        for _ in range(2):  # receipts can arrive twice: the second is a no-op
            r = await apis.approval.post(self.url(request), headers=world.auth["gateway"], json={"reason": reason})
            assert r.status_code == 200, r.text
            assert (r.json()["state"], r.json()["national_reason"]) == ("returned", reason)
        returns = [d for d in await trail(session, request) if d.action == "national_return"]
        assert [(d.from_state, d.to_state, d.comment, d.actor_id) for d in returns] == [
            ("applied", "returned", reason, None)]

        # A different reason for a request no longer applied is not the same rejection.
        r = await apis.approval.post(self.url(request), headers=world.auth["gateway"], json={"reason": "Lý do khác"})
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "transition-not-allowed"
        await session.refresh(request)
        assert request.national_reason == reason

    async def test_only_applied_requests_and_only_the_gateway(self, session: AsyncSession, apis: Apis,
                                                             world: World) -> None:
        submitted = await world.request(session)
        r = await apis.approval.post(self.url(submitted), headers=world.auth["gateway"], json={"reason": "Sai"})
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "transition-not-allowed"
        applied = await world.request(session, state="applied")
        for who in ("approver", "doha_admin", "officer"):
            r = await apis.approval.post(self.url(applied), headers=world.auth[who], json={"reason": "Sai"})
            assert r.status_code == 403, f"{who}: {r.text}"
        r = await apis.approval.post(self.url(applied), headers=world.auth["gateway"], json={"reason": ""})
        assert r.status_code == 422
        assert [await state_of(session, x) for x in (submitted, applied)] == ["submitted", "applied"]
        assert not [d for d in await trail(session, applied) if d.action == "national_return"]
        missing = await apis.approval.post(f"/internal/v1/change-requests/{uuid.uuid4()}/national-rejection",
                                           headers=world.auth["gateway"], json={"reason": "Sai"})
        assert missing.status_code == 404


class DropAfterResponse(httpx.AsyncBaseTransport):
    """profile-api answers, then the connection drops before approval-api reads the answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.calls = inner, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()  # profile-api has finished (and committed) by now
        self.calls += 1
        raise httpx.ReadError("connection reset after the response", request=request)


class TestApplyOnce:
    async def test_retries_and_reconciler_passes_write_nothing_more(self, session: AsyncSession, apis: Apis,
                                                                    world: World) -> None:
        request = await world.request(session)
        assert await versions(session, world.person) == 1
        r = await approve(apis, world, request)
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        assert r.json()["applied_version"] == 2
        assert (await versions(session, world.person), await outbox_rows(session, request)) == (2, 1)

        service = bearer(world.issuer, SERVICE)
        for _ in range(5):
            again = await apis.profile.post(f"/internal/v1/change-requests/{request.id}/apply", headers=service)
            assert again.status_code == 200, again.text
            assert (again.json()["version"], again.json()["already_applied"]) == (2, True)
        env = env_of(apis)
        assert [await reconcile_once(env.sessionmaker, env.profiles, LATER, env.metrics, grace_seconds=0)
                for _ in range(5)] == [0] * 5

        # As if the "applied" mark had been lost: the reconciler finds the version written and marks it once.
        await session.execute(update(ChangeRequest).where(ChangeRequest.id == request.id).values(state="approved"))
        assert [await reconcile_once(env.sessionmaker, env.profiles, LATER, env.metrics, grace_seconds=0)
                for _ in range(5)] == [1, 0, 0, 0, 0]
        assert await state_of(session, request) == "applied" and request.applied_version == 2
        assert (await versions(session, world.person), await outbox_rows(session, request)) == (2, 1)

    async def test_a_connection_cut_after_commit_is_finished_by_the_reconciler(
            self, session: AsyncSession, apis: Apis, world: World, client_for: Callable[..., Any]) -> None:
        async def token() -> str:
            minted, _ = world.issuer.mint(principal=SERVICE, audience="hoso-api")
            return minted

        normal = env_of(apis)
        cut = DropAfterResponse(httpx.ASGITransport(app=apis.profile.app))
        request = await world.request(session)
        async with httpx.AsyncClient(transport=cut, base_url="http://test") as http:
            broken = ProfileClient(http, token)
            # The same approval-api, built with the cut client instead.
            cut_off = await client_for("approval-api", wiring={"clock": apis.clock, "profiles": broken})
            r = await approve(dataclasses.replace(apis, approval=cut_off), world, request)
        assert r.status_code == 200, r.text
        assert (r.json()["state"], r.json()["applied_version"]) == ("approved", None)  # apply pending
        # Every attempt reached profile-api: the first wrote the version, the retries found it and wrote nothing.
        assert cut.calls == broken.attempts > 1
        assert (await versions(session, world.person), await outbox_rows(session, request)) == (2, 1)
        assert await state_of(session, request) == "approved"

        applied = await reconcile_once(normal.sessionmaker, normal.profiles, LATER, normal.metrics, grace_seconds=0)
        assert applied == 1
        assert await state_of(session, request) == "applied" and request.applied_version == 2
        assert (await versions(session, world.person), await outbox_rows(session, request)) == (2, 1)
        assert [(d.action, d.actor_name) for d in await trail(session, request)][-2:] == [
            ("approve", world.accounts["approver"].username), ("apply", "profile-api")]

    async def test_a_request_on_an_older_version_is_returned(self, session: AsyncSession, apis: Apis,
                                                             world: World) -> None:
        first, second = await world.request(session), await world.request(session)
        assert first.base_version == second.base_version == 1
        assert (await approve(apis, world, first)).json()["state"] == "applied"
        r = await approve(apis, world, second)
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "stale-change-request", r.text
        assert (r.json()["base_version"], r.json()["current_version"]) == (1, 2)
        assert await state_of(session, second) == "returned"
        last = (await trail(session, second))[-1]
        assert (last.action, last.from_state, last.to_state, last.actor_name, last.actor_id) == (
            "return", "submitted", "returned", "approval-api", None)
        assert await versions(session, world.person) == 2 and await outbox_rows(session, second) == 0


def sample(text: str, name: str, labels: dict[str, str]) -> float | None:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and s.labels == labels:
                return s.value
    return None


async def test_gauges_and_latency_are_published(session: AsyncSession, apis: Apis, world: World) -> None:
    others = [await make_profile(session, unit=world.agency, full_name=f"Vũ Thị Mai {c}") for c in "ABC"]
    requests = [await world.request(session, profile=p) for p in others]
    await world.request(session, state="draft")
    assert (await approve(apis, world, requests[0])).json()["state"] == "applied"

    await tasks.tick(env_of(apis), lambda: IN_WINDOW)
    text = (await apis.approval.get("/metrics")).text
    code = world.agency.code
    assert sample(text, "hoso_approval_backlog_requests", {"org_unit": code, "state": "submitted"}) == 2.0
    assert sample(text, "hoso_approval_backlog_requests", {"org_unit": code, "state": "draft"}) == 1.0
    assert sample(text, "hoso_approval_backlog_requests", {"org_unit": code, "state": "applied"}) is None
    latency = sample(text, "hoso_approval_decision_latency_seconds_count", {"action": "approve"})
    assert latency is not None and latency >= 1
    assert sample(text, "hoso_approval_applied_total", {"by": "decision"}) == 1.0
