from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hoso_shared.form import Category, ProfileItems, Status
from hoso_shared.form.base import FormModel
from hoso_shared.provenance import ItemSource
from hoso_shared.time import FIRST_DAY, LAST_DAY

Sections = dict[str, list[dict[str, Any]]]
RegisterItem = Literal["full_name", "sex", "birth_date", "birth_place", "home_town", "residence", "ethnicity_code",
                       "religion_code"]  # hoso_shared.provenance.REGISTER_ITEMS


class ProfileCreate(FormModel):
    org_unit_id: uuid.UUID
    category: Category
    status: Literal["active"] = "active"
    items: ProfileItems
    sections: Sections = Field(default_factory=dict, description="Repeating tables by name (see /profiles/sections)")
    incoming_on: date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY,
                                     description="Set for a person transferred in from another province")
    sources: dict[RegisterItem, ItemSource] = Field(default_factory=dict, description=(
        "Items filled in from the population register (sync-gateway's `POST /api/v1/citizen-lookups` answers "
        "`sources` in this shape): kept on the record as `sources` until an approved change gives the item "
        "another value. The caller's statement: the register check after creation (`POST /api/v1/citizen-checks`) "
        "is what shows a difference, as a DUNG-DANCU finding. Each item named must be in `items`; its day not "
        "after today."))


class LegacyImport(FormModel):
    form: Literal["2c-bnv-2008", "2c-tctw-98"]
    org_unit_id: uuid.UUID
    category: Category
    citizen_id: str = Field(pattern=r"^\d{12}$", description="The 12-digit personal ID (old forms carry a CMND)")
    record: dict[str, Any] = Field(description="The old form's items, keyed by their item numbers")


class PendingChange(BaseModel):
    id: uuid.UUID
    state: str
    base_version: int
    changed: list[str]
    created_at: datetime


class ProfileRead(BaseModel):
    id: uuid.UUID
    org_unit_id: uuid.UUID
    category: Category
    status: Status
    version: int = Field(description="The approved version; 0 while the record is pending its create approval")
    pending: bool = Field(False, description=(
        "A new record waiting for its `create` change request to be approved (hanoi-2024 Điều 7): seen only by "
        "its agency's HR and approvers, not listed, not synced"))
    create_request_id: uuid.UUID | None = Field(None, description=(
        "On the 201 of a create: the `create` change request submitted for the pending record"))
    archived: bool
    incoming_on: date | None
    citizen_id_masked: str
    items: dict[str, Any]
    sections: Sections
    sensitive_included: bool = Field(description=(
        "Whether items and tables at level 2 or above (personal and sensitive data) were read: the read is audited"))
    level: int = Field(ge=0, le=3, description=(
        "The degree of access restriction (độ hạn chế tiếp cận, Quy chế Hà Nội 2024 Điều 4 khoản 3) this record was "
        "read at: the person's own record 3, else the caller's clearance in their subtree raised by an active "
        "written grant (GET /api/v1/profiles/sections lists each item's and table's level)"))
    withheld: list[str] = Field(default_factory=list, description=(
        "The items, then the tables, above `level`: absent from `items` and `sections`, whatever they hold"))
    pending_changes: list[PendingChange]
    reviewed_at: datetime | None = Field(description="When the person last confirmed they checked their record "
                                                     "(POST …/review); null if never")
    sources: dict[str, ItemSource] = Field(default_factory=dict, description=(
        "Items whose value came from the population register, with the day it gave them (QĐ MIC 2021: the "
        "connection exists to verify and fill in personal information); an item HR or the person changed since is "
        "not listed"))


class RecordChecked(BaseModel):
    profile_id: uuid.UUID = Field(description="The record the person confirmed")
    reviewed_at: datetime = Field(description="When the person confirmed they checked their record (UTC)")


class ProfileSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    full_name: str
    birth_date: date
    sex: Literal["M", "F"]
    category: Category
    status: Status
    rank_code: str | None
    version: int
    fields: dict[str, Any] | None = None  # the `fields=` selection, when asked


class ProfilePage(BaseModel):
    items: list[ProfileSummary]
    next_cursor: str | None


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    reason: str
    changed: list[str]
    change_request_id: uuid.UUID | None
    created_by: uuid.UUID | None
    created_at: datetime
    digest: str


class VersionDiff(BaseModel):
    profile_id: uuid.UUID
    from_version: int
    to_version: int
    changes: dict[str, Any] = Field(description=(
        'What changed; an item or table above the caller\'s level shows as "[sensitive]" instead of its values'))
    withheld: list[str] = Field(default_factory=list, description=(
        "The items and tables above the level the caller reads this record at (see ProfileRead.level)"))


@dataclass(frozen=True)
class ProfileFilter:
    org_unit_id: uuid.UUID | None = None
    status: str | None = None
    category: str | None = None
    rank_code: str | None = None
    name_prefix: str | None = None
    citizen_id_hmac: bytes | None = None
    include_archived: bool = False
    ids: tuple[uuid.UUID, ...] | None = None  # only these records (a page naming people it already holds)
