"""The task list: ask each kind the caller has (the registry, `kinds.KINDS`), then one list, most urgent
first, with the counts per kind."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.calendar import load_calendar
from hoso_shared.deadlines import DeadlinePolicy
from profile_api.tasks.kinds import KINDS, Ask
from profile_api.tasks.schemas import KindCount, Task, TaskKind, TaskList


def _urgency(task: Task) -> tuple[bool, bool, date]:
    """Overdue first, then the nearest due day, tasks without a deadline last (a stable sort keeps each
    kind's own order, and the registry's between kinds)."""
    return not task.overdue, task.due_on is None, task.due_on or date.max


async def list_tasks(session: AsyncSession, principal: Principal, policy: DeadlinePolicy, *, now: datetime,
                     today: date, limit: int, only: set[TaskKind]) -> TaskList:
    """What `principal` must do and by when. Which kinds they have is decided from the token (roles and
    scopes) before anything is read; each kind then reads only the caller's subtree."""
    theirs = [kind for kind in KINDS if kind.concerns(principal) and (not only or kind.code in only)]
    counts: list[KindCount] = []
    items: list[Task] = []
    if theirs:
        ask = Ask(session=session, principal=principal, policy=policy, days=await load_calendar(session), now=now,
                  today=today, limit=limit)
        for kind in theirs:
            found = await kind.collect(ask, kind)
            counts.append(KindCount(kind=kind.code, title=kind.label, total=found.total, overdue=found.overdue,
                                    listed=len(found.tasks), service=kind.service, list_link=kind.list_link(ask)))
            items += found.tasks
    return TaskList(as_of=today, policy=policy.name, limit_per_kind=limit, counts=counts,
                    items=sorted(items, key=_urgency))
