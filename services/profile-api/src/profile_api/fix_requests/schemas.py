"""Shapes of a fix request (output schemas have no defaults: every field is always present)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from hoso_shared.form.base import FormModel


class FixRequestCreate(FormModel):
    """Ask the person whose record it is to fix what one rule finds in it."""

    profile_id: uuid.UUID = Field(description="The record, in the caller's subtree (404 otherwise)")
    rule_code: str = Field(min_length=3, max_length=40, pattern=r"^[A-Z0-9-]+$",
                           description="The failing rule's stable code, e.g. DUNG-CCCD-003 (docs/rules.md); it "
                                       "must fail on the record now, with an error or a warning")


class FixRequestRead(BaseModel):
    id: uuid.UUID = Field(description="The request's id")
    profile_id: uuid.UUID = Field(description="The record the person is asked to fix")
    rule_code: str = Field(description="The failing rule's code")
    message: str = Field(description="What the rule finds in the record, in Vietnamese (as the judge words it)")
    due_on: date = Field(description="The last day of the person's self-update (Điều 6 khoản 1: the deadline "
                                     "policy's working days from the request's day, Vietnamese calendar)")
    requested_at: datetime = Field(description="When HR asked (UTC)")
    open: bool = Field(description="Still open: false once the rule no longer fails on the record")
