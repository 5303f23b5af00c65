from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now, Today
from profile_api.tasks import service
from profile_api.tasks.schemas import TaskKind, TaskList

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])
MAX_PER_KIND = 100

DESCRIPTION = f"""Computed on each call from the data and the deadline policy in force (no task is stored).
Which kinds a caller has follows the regulation (QĐ 6187/QĐ-UBND) and the token's roles and scopes:
- anyone who proposes changes: `fix_returned_request` (their own requests returned to them; Điều 6, 16);
- officers: `recheck_after_move` (after a transfer, or coming in from outside the city, check the record and
  confirm it, due as a self-update of the move's day; Điều 12 khoản 1 điểm b, khoản 2.2 điểm c);
- officers: `fix_record` (HR asked them to fix what a data-quality rule finds in it, POST
  /api/v1/quality/fix-requests; due as a self-update, Điều 6 khoản 1; gone once the rule no longer fails);
- approvers: `decide_change_request` (submitted requests of their subtree they may decide; Điều 7), with the
  month's window, due on the window's last day (NĐ 27/2026: 3 working days);
- agency admins: `accept_transfer` (transfers other agencies propose to their subtree, due the policy's
  working days after the proposal; Điều 12 khoản 1 điểm a), `create_incoming_account` (people who came in
  without an account, due 10 working days after arriving; Điều 12 khoản 2.2 điểm a), `submit_sync_batch`
  (their unit's approved changes in no batch yet; Điều 14–15), and with the unit's approvers
  `sign_quarterly_review` (Điều 21 khoản 6);
- DOHA admins: `approve_sync_batch` (submitted batches; Điều 14 khoản 2), `replay_dead_letter` (packets in
  state dead), `hand_over_nationally` (moves to a central body to hand over; Điều 12 khoản 2.1 điểm b),
  `chase_late_review` (units past the review's due day without a submitted review).

Only the caller's org subtree is ever read. **Bounded**: every task is counted in the database (`counts`:
total and overdue per kind, for a badge), but at most `limit` tasks of each kind are listed (default 20, at
most {MAX_PER_KIND}; `limit=0` gives the counts alone). Beyond that, `counts[].list_link` names the route
that pages through them. Dates are Vietnamese calendar dates (Asia/Ho_Chi_Minh) over the working-day
calendar with DOHA's overrides."""


@router.get("", summary="What the caller must do, and by when: tasks with due dates, and counts per kind.",
            description=DESCRIPTION)
async def list_tasks(
    principal: AnyPrincipal, session: DbSession, policy: Deadlines, now: Now, today: Today,
    limit: Annotated[int, Query(ge=0, le=MAX_PER_KIND,
                                description="At most this many tasks of each kind (0: counts only)")] = 20,
    kind: Annotated[list[TaskKind], Query(max_length=len(TaskKind),
                                          description="Only these kinds (repeatable); default: every kind "
                                                      "the caller has")] = [],  # noqa: B006 - FastAPI copies it
) -> TaskList:
    return await service.list_tasks(session, principal, policy, now=now, today=today, limit=limit, only=set(kind))
