"""The demo (`make run`) shows the workflow as QĐ 6187/QĐ-UBND wires it: a transfer awaiting its receiver, and a
task for every person's role (what each must do, from the data and the policy)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, OrgUnit
from tests.conftest import AppClient
from tests.factories import CIPHER, bearer, principal_for


async def _kinds(session: AsyncSession, api: AppClient, issuer: TokenIssuer, username: str) -> set[str]:
    account, unit = await _account_and_unit(session, username)
    r = await api.get("/api/v1/tasks", headers=bearer(issuer, principal_for(account, unit)))
    assert r.status_code == 200, r.text
    return {t["kind"] for t in r.json()["items"]}


async def test_every_role_has_its_tasks_and_a_transfer_awaits_acceptance(
        session: AsyncSession, profile_api: AppClient, token_issuer: TokenIssuer) -> None:
    """Điều 12 khoản 1 điểm a (Sở Giáo dục is asked to take over a person Sở Tài chính moves to it), khoản 2.2
    điểm c (an officer who came in re-checks their record), Điều 7 (approvers decide the month's requests),
    Điều 19 khoản 6 and Điều 21 khoản 6 (DOHA chases the units late with their quarterly review)."""
    assert await demo.load(session, CIPHER) is not None
    incoming = await _kinds(session, profile_api, token_issuer, "sgd.admin")
    assert "accept_transfer" in incoming
    r = await profile_api.get("/api/v1/transfers?direction=outgoing&state=proposed", headers=bearer(
        token_issuer, principal_for(*await _account_and_unit(session, "stc.admin"))))
    assert [t["to_unit"]["code"] for t in r.json()["items"]] == ["01.SGD"]
    assert "recheck_after_move" in await _kinds(session, profile_api, token_issuer, "bd.canbo1")
    assert "decide_change_request" in await _kinds(session, profile_api, token_issuer, "stc.approver")
    assert await _kinds(session, profile_api, token_issuer, "snv.admin")
    assert await _kinds(session, profile_api, token_issuer, "stc.admin")


async def _account_and_unit(session: AsyncSession, username: str) -> tuple[Account, OrgUnit]:
    account = await session.scalar(select(Account).where(Account.username == username))
    assert account is not None
    unit = await session.get(OrgUnit, account.org_unit_id)
    assert unit is not None
    return account, unit
