"""Is a unit's approval window open now: the policy's monthly window, or an extraordinary one DOHA
opened for a subtree that holds the unit."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import exists, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.windows.schemas import WindowOpen, WindowPage, WindowRead, WindowStatus
from hoso_shared import cursors
from hoso_shared.auth import Principal
from hoso_shared.db.models import ApprovalWindow, OrgUnit
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.problems import NotFound, ValidationFailed
from hoso_shared.time import local_day

LONGEST_DAYS = 31


class UnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such unit in your subtree"


async def extraordinary_open(session: AsyncSession, unit_path: str, now: datetime) -> bool:
    covering = literal(unit_path).like(OrgUnit.path + "%")
    stmt = select(exists().where(ApprovalWindow.org_unit_id == OrgUnit.id, covering,
                                 ApprovalWindow.opens_at <= now, ApprovalWindow.closes_at > now))
    return bool((await session.execute(stmt)).scalar())


async def window_open(session: AsyncSession, policy: DeadlinePolicy, unit_path: str, now: datetime) -> bool:
    return policy.in_approval_window(local_day(now)) or await extraordinary_open(session, unit_path, now)


async def _path(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID) -> str:
    path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar_one_or_none()
    if path is None or not principal.covers(path):
        raise UnitNotFound()
    return path


async def open_window(session: AsyncSession, principal: Principal, body: WindowOpen, now: datetime) -> WindowRead:
    if not body.opens_at < body.closes_at or body.closes_at <= now:
        raise ValidationFailed("The window must close after it opens, and in the future.")
    if body.closes_at - body.opens_at > timedelta(days=LONGEST_DAYS):
        raise ValidationFailed(f"An extraordinary window lasts at most {LONGEST_DAYS} days.")
    await _path(session, principal, body.org_unit_id)
    window = ApprovalWindow(**body.model_dump(), opened_by=principal.subject)
    session.add(window)
    await session.flush()
    return WindowRead.model_validate(window)


async def status(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None, policy: DeadlinePolicy,
                 now: datetime) -> WindowStatus:
    path = await _path(session, principal, org_unit_id) if org_unit_id else principal.org_path
    stmt = (select(ApprovalWindow, OrgUnit.path).join(OrgUnit, OrgUnit.id == ApprovalWindow.org_unit_id)
            .where(ApprovalWindow.closes_at > now).order_by(ApprovalWindow.opens_at))
    covering = [window for window, unit_path in (await session.execute(stmt)).all() if path.startswith(unit_path)]
    open_now = policy.in_approval_window(local_day(now)) or any(w.opens_at <= now < w.closes_at for w in covering)
    return WindowStatus(policy=policy.name, open=open_now, monthly_window=policy.approval_window(local_day(now)),
                        extraordinary=[WindowRead.model_validate(w) for w in covering])


async def list_windows(session: AsyncSession, principal: Principal, state: Literal["open", "past"] | None,
                       limit: int, cursor: str | None, now: datetime) -> WindowPage:
    """The windows opened over units of the caller's subtree (a window over an ancestor is not theirs to list),
    latest opening first; `open`: not yet closed (open now or to come), `past`: closed."""
    stmt = (select(ApprovalWindow).join(OrgUnit, OrgUnit.id == ApprovalWindow.org_unit_id)
            .where(OrgUnit.path.startswith(principal.org_path, autoescape=True))
            .order_by(ApprovalWindow.opens_at.desc(), ApprovalWindow.id.desc()).limit(limit + 1))
    if state is not None:
        stmt = stmt.where(ApprovalWindow.closes_at > now if state == "open" else ApprovalWindow.closes_at <= now)
    if cursor:
        at, ident = cursors.decode(cursor)
        stmt = stmt.where(tuple_(ApprovalWindow.opens_at, ApprovalWindow.id) < tuple_(literal(at), literal(ident)))
    found = list((await session.scalars(stmt)).all())
    return WindowPage(items=[WindowRead.model_validate(w) for w in found[:limit]],
                      next_cursor=cursors.following(found, limit, lambda w: (w.opens_at, w.id)))
