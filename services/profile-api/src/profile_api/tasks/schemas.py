"""Shapes of the task list (output schemas have no defaults: every field is always present)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

Service = Literal["profile-api", "approval-api", "sync-gateway"]


class TaskKind(StrEnum):
    """A stable code per kind of duty (one collector each in `profile_api.tasks.service.KINDS`)."""

    fix_returned_request = "fix_returned_request"
    decide_change_request = "decide_change_request"
    create_incoming_account = "create_incoming_account"
    submit_sync_batch = "submit_sync_batch"
    sign_quarterly_review = "sign_quarterly_review"
    approve_sync_batch = "approve_sync_batch"
    replay_dead_letter = "replay_dead_letter"
    chase_late_review = "chase_late_review"
    accept_transfer = "accept_transfer"
    recheck_after_move = "recheck_after_move"
    hand_over_nationally = "hand_over_nationally"
    fix_record = "fix_record"


class Window(BaseModel):
    """When the unit may act (approve, or submit its batch) this month."""

    opens_on: date | None = Field(description="First day of the policy's monthly window of the current month "
                                              "(Vietnamese date); null when the policy has no monthly window")
    closes_on: date | None = Field(description="Last day of that window (inclusive); null without one")
    open_now: bool = Field(description="The monthly window, or an extraordinary window DOHA opened over the "
                                       "unit, is open now")
    extraordinary_closes_at: datetime | None = Field(
        description="When the extraordinary window open now over the unit closes (UTC); null when none is open")


class Subject(BaseModel):
    """What the task is about: always a unit of the caller's subtree, and the record, request, batch, packet
    or review concerned where there is one."""

    org_unit_id: uuid.UUID = Field(description="The unit the task belongs to")
    org_unit_code: str = Field(description="Its code")
    org_unit_name: str = Field(description="Its name")
    profile_id: uuid.UUID | None = Field(description="The record concerned, if one")
    person_name: str | None = Field(description="That record's full name, for the to-do line (never a "
                                                "sensitive item)")
    change_request_id: uuid.UUID | None = Field(description="The change request concerned, if one")
    sync_batch_id: uuid.UUID | None = Field(description="The sync batch concerned, if one")
    packet_id: uuid.UUID | None = Field(description="The packet concerned, if one")
    review_id: uuid.UUID | None = Field(description="The quarterly review concerned (a draft, if one exists)")
    quarter: str | None = Field(description="The quarter of a review task, e.g. 2026-Q4")
    period: str | None = Field(description="The month of a sync batch, YYYY-MM")
    transfer_id: uuid.UUID | None = Field(description="The transfer concerned, if one")
    rule_code: str | None = Field(description="The data-quality rule the person is asked to fix (`fix_record`), "
                                            "e.g. DUNG-CCCD-003; null for other kinds")


class Task(BaseModel):
    kind: TaskKind = Field(description="The kind of duty: a stable code")
    title: str = Field(description="What to do, in Vietnamese")
    basis: str = Field(description="The clause of the regulation (QĐ 6187/QĐ-UBND) the duty comes from")
    due_on: date | None = Field(description="The last day it is on time (Vietnamese calendar date, Asia/Ho_Chi_Minh, "
                                            "from the deadline policy); null when the regulation sets no deadline")
    overdue: bool = Field(description="The deadline has passed (as the deadline policy counts it)")
    since: date | None = Field(description="When the duty arose (submitted, returned, arrived, approved, sent, "
                                           "quarter began), Vietnamese date")
    quantity: int | None = Field(description="How many things it covers: changes awaiting a batch, records in a "
                                             "batch or a packet; null for a single item")
    note: str | None = Field(description="Why it is here, when recorded: the return comment or national reason, "
                                         "the last delivery error (at most 500 characters)")
    subject: Subject = Field(description="What the task is about")
    service: Service = Field(description="The API that serves `link`")
    link: str = Field(description="The API path to act on (read it, then take the action it offers)")
    window: Window | None = Field(description="For approvals and sync batches: when the unit may act")


class KindCount(BaseModel):
    kind: TaskKind = Field(description="The kind counted")
    title: str = Field(description="The kind's label, in Vietnamese")
    total: int = Field(description="Every task of this kind the caller has (counted in the database)")
    overdue: int = Field(description="How many of them are overdue")
    listed: int = Field(description="How many of them are in `items` (at most `limit_per_kind`)")
    service: Service = Field(description="The API that serves the tasks' links and `list_link`")
    list_link: str | None = Field(description="An API path that lists this kind's items beyond `limit_per_kind`, "
                                              "page by page (it may show more than the caller's own tasks, e.g. "
                                              "every returned request of the subtree, or fewer: only the overdue "
                                              "incoming people); null where the kind has at most two tasks")


class TaskList(BaseModel):
    as_of: date = Field(description="Today in Asia/Ho_Chi_Minh: the day deadlines are judged on")
    policy: str = Field(description="The deadline policy in force (hanoi-2024, nd27-2026)")
    limit_per_kind: int = Field(description="At most this many tasks of each kind are listed")
    counts: list[KindCount] = Field(description="Per kind the caller may have, in a fixed order: for a badge")
    items: list[Task] = Field(description="The tasks listed: overdue first, then by due date (none last)")
