"""Population-DB checks (DESIGN "citizen check": citizen ID, name, birth date and sex, stored with
their date for the Đúng score) and pulls of incoming people's records from the national DB (handed
to profile-api's create-from-pull route with the caller's own token, so profile-api decides whether
the caller may create that record)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.db.models import CitizenCheck, OrgUnit, Profile
from hoso_shared.problems import Forbidden, NotFound, Problem
from hoso_shared.time import utc_now
from sync_gateway.citizens.national import call
from sync_gateway.runtime import Runtime

# Compared too when the record has them: an item changed after the register filled it shows as DUNG-DANCU.
CODED = ("ethnicity_code", "religion_code")


class CheckRequest(BaseModel):
    profile_id: uuid.UUID


class CheckResult(BaseModel):
    profile_id: uuid.UUID
    result: Literal["match", "mismatch", "not_found"]
    mismatched: list[str]
    checked_at: datetime


class PullRequest(BaseModel):
    citizen_id: str = Field(pattern=r"^\d{12}$")
    org_unit_id: uuid.UUID
    category: Literal["can_bo", "cong_chuc", "vien_chuc", "cap_xa"]
    incoming_on: date


class NotInNationalDb(NotFound):
    slug, title = "not-in-national-db", "The national database has no record for that citizen ID"


class UnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisational unit in your subtree"


class Relayed(Problem):
    """profile-api's refusal, passed on as it came."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("detail"))
        self.status, self.problem_body = status, body  # type: ignore[misc]  # as the problem handler does

    def body(self) -> dict[str, Any]:
        return self.problem_body


async def check(session: AsyncSession, runtime: Runtime, principal: Principal, body: CheckRequest) -> CheckResult:
    if not principal.has_scopes("profiles:read"):
        raise Forbidden("A citizen check needs profiles:read.", missing_scopes=["profiles:read"])
    found = (await session.execute(select(Profile, OrgUnit.path).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
                                   .where(Profile.id == body.profile_id))).first()
    if found is None or not principal.covers(found[1]):
        raise NotFound("No such profile in your subtree.")
    items = records.read_items(found[0], runtime.cipher, sensitive=True)
    response = await call(runtime.transport, runtime.breaker, runtime.policy, "POST",
                          "/population/v1/citizens/check", json={
                              "citizen_id": items.get("citizen_id"), "full_name": items.get("full_name"),
                              "birth_date": items.get("birth_date"), "sex": items.get("sex"),
                              **{k: items[k] for k in CODED if items.get(k)}})
    answer = response.json()
    row = CheckResult(profile_id=body.profile_id, result=answer["result"], mismatched=answer.get("mismatched", []),
                      checked_at=utc_now())
    session.add(CitizenCheck(profile_id=row.profile_id, checked_at=row.checked_at, result=row.result,
                             mismatched=row.mismatched))
    return row


CREATE = "profiles:write"


async def may_pull_into(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID) -> None:
    """Authorised before the national DB is asked (Điều 8; no existence oracle): the caller may create records
    (profile-api's own rule, which it applies again) in a unit of their subtree."""
    if not principal.has_scopes(CREATE):
        raise Forbidden("Pulling a person in needs profiles:write.", missing_scopes=[CREATE])
    path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar()
    if path is None or not principal.covers(path):
        raise UnitNotFound()


async def pull(runtime: Runtime, profile_api: httpx.AsyncClient, authorization: str, body: PullRequest) -> dict[
        str, Any]:
    response = await call(runtime.transport, runtime.breaker, runtime.policy, "GET",
                          f"/cbccvc/v1/profiles/{body.citizen_id}")
    if response.status_code == 404:
        raise NotInNationalDb()
    national = response.json()
    created = await profile_api.post("/api/v1/profiles/incoming", headers={"Authorization": authorization}, json={
        "org_unit_id": str(body.org_unit_id), "category": body.category, "incoming_on": body.incoming_on.isoformat(),
        "items": {**national.get("items", {}), "citizen_id": body.citizen_id},
        "sections": national.get("sections", {})})
    if not created.is_success:
        raise Relayed(created.status_code, created.json())
    result: dict[str, Any] = created.json()
    return result

