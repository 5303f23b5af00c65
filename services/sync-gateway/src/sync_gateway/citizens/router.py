from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from sync_gateway.citizens import lookup, service
from sync_gateway.citizens.lookup import CitizenLookup, LookupRequest, NotInPopulationDb
from sync_gateway.citizens.national import NationalRefused, NationalUnavailable
from sync_gateway.citizens.service import CheckRequest, CheckResult, NotInNationalDb, PullRequest
from sync_gateway.dependencies import AppRuntime, ProfileApi

router = APIRouter(prefix="/api/v1", tags=["national"])
NATIONAL_ERRORS = {**NationalUnavailable.openapi(), **NationalRefused.openapi()}


@router.post("/citizen-checks", status_code=201, responses=NATIONAL_ERRORS,
             summary="Check a record's citizen ID, name, birth date and sex against the population DB.",
             description="The result is stored with its date; the Đúng rules read the latest one.")
async def check_citizen(body: CheckRequest, principal: AnyPrincipal, session: DbSession,
                        runtime: AppRuntime) -> CheckResult:
    return await service.check(session, runtime, principal, body)


@router.post("/incoming", status_code=201, responses={**NATIONAL_ERRORS, **NotInNationalDb.openapi()},
             summary="Pull an incoming person's record from the national DB and create it in profile-api.",
             description="The caller's right to create records in the unit is checked before the national DB is "
                         "asked (403 without profiles:write, 404 for a unit outside the caller's subtree), so the "
                         "answer never tells whether a citizen ID is in the national DB to someone who may not pull "
                         "it. profile-api then creates it with the caller's own token, its rules applying unchanged.")
async def pull_incoming(body: PullRequest, principal: AnyPrincipal, request: Request, runtime: AppRuntime,
                        profile_api: ProfileApi, session: DbSession) -> dict[str, Any]:
    await service.may_pull_into(session, principal, body.org_unit_id)
    return await service.pull(runtime, profile_api, request.headers["authorization"], body)


@router.post("/citizen-lookups", responses={**NATIONAL_ERRORS, **NotInPopulationDb.openapi(),
                                            **service.UnitNotFound.openapi()},
             summary="Look a citizen up in the population DB to fill in a new person's form.",
             description="Name, sex, birth date, birth place, home town (quê quán), ethnicity, religion and residence "
                         "as the register holds them, as form items, each with `source: population_register` and the "
                         "day it was given (QĐ MIC 2021: the connection exists to verify and fill in personal "
                         "information). The caller's right to create records in `org_unit_id` is checked first (403 "
                         "without profiles:write, 404 for a unit outside their subtree). 404 `not-in-population-db` "
                         "for an unknown ID; 503 `national-unavailable` when the register does not answer in time, so "
                         "a form can go on without it.")
async def read_citizen_record(body: LookupRequest, principal: AnyPrincipal, session: DbSession,
                              runtime: AppRuntime) -> CitizenLookup:
    await service.may_pull_into(session, principal, body.org_unit_id)
    return await lookup.look_up(runtime, body)
