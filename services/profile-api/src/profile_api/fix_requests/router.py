from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, Security

from hoso_shared.auth import Principal, authorize
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Days, Deadlines, Today
from profile_api.dependencies import Cipher
from profile_api.fix_requests import service
from profile_api.fix_requests.errors import NotThePersonsToFix, RuleNotFailing, UnknownRule
from profile_api.fix_requests.schemas import FixRequestCreate, FixRequestRead
from profile_api.quality import service as quality
from profile_api.quality.errors import ProfileNotFound

router = APIRouter(prefix="/api/v1/quality/fix-requests", tags=["quality"])
# Whoever may correct the record may ask its person to correct it (agency admins, HR systems, DOHA).
Asker = Annotated[Principal, Security(authorize, scopes=["profiles:write"])]


@router.post("", status_code=201, response_model=FixRequestRead,
             summary="Ask the person whose record it is to fix what a data-quality rule finds in it (their task).",
             description=(
                 "\"Đề nghị cập nhật\": the record is judged now; the rule must fail on it with an error or a warning "
                 "(409 rule-not-failing otherwise). The request becomes the person's task `fix_record` in "
                 "GET /api/v1/tasks, due as a self-update (Điều 6 khoản 1 of QĐ 6187/QĐ-UBND: the deadline "
                 "policy's working days from today). **Idempotent**: while a request for the same record and rule "
                 "is open, asking again returns it (200) instead of creating one (201). It **closes** by itself "
                 "when the rule no longer fails on the record (the next stored verdict without it, whoever fixed "
                 "the record: the person's approved change request, or HR). A record outside the caller's subtree "
                 "is 404, as everywhere. A rule that is another party's to act on (an approval overdue, a sync "
                 "pending, the register check due: hoso_shared.validation.duties) is refused, 422 "
                 "`not-the-persons-to-fix`, naming who acts. Audited (`ask_to_fix`)."),
             responses={200: {"model": FixRequestRead, "description": "An open request existed: returned as is"},
                        **ProfileNotFound.openapi(), **UnknownRule.openapi(), **RuleNotFailing.openapi(),
                        **NotThePersonsToFix.openapi()})
async def create_fix_request(body: FixRequestCreate, principal: Asker, session: DbSession, policy: Deadlines,
                             days: Days, today: Today, cipher: Cipher, response: Response) -> FixRequestRead:
    basis = quality.basis(policy, cipher, today=today)
    found, created = await service.ask_to_fix(session, principal, body, basis=basis, policy=policy, days=days,
                                              today=today)
    if not created:
        response.status_code = 200
    return found
