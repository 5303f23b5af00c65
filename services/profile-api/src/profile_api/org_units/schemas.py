from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hoso_shared.codes.agency_ids import DESCRIPTION as AGENCY_ID_DESCRIPTION
from hoso_shared.codes.agency_ids import AgencyId
from hoso_shared.form.base import FormModel
from hoso_shared.time import local_today

# Nghị quyết 202/2025/QH15, QĐ 19/2025/QĐ-TTg: no district level from this day on (DOMAIN §4.3).
DISTRICTS_ABOLISHED_ON = date(2025, 7, 1)

UnitType = Literal["province", "doha", "department", "agency", "ward", "commune", "special_zone",
                   "district", "sub_unit"]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=300)]


def today_local() -> date:
    """Today at the edge of the system: the calendar day in Việt Nam."""
    return local_today()


EffectiveOn = Annotated[date, Field(default_factory=today_local,
                                    description="YYYY-MM-DD; defaults to today in Asia/Ho_Chi_Minh")]


Input = FormModel  # strict input: unknown keys refused, strings trimmed, NUL bytes refused


class OrgUnitCreate(Input):
    code: Code
    name: Name
    type: UnitType
    parent_id: uuid.UUID
    effective_on: EffectiveOn
    electronic_id: AgencyId | None = Field(default=None, description=AGENCY_ID_DESCRIPTION + " Optional here; "
                                           "unique (409 `electronic-id-taken`); malformed: 422 naming the field.")


class OrgUnitRename(Input):
    name: Name
    effective_on: EffectiveOn
    electronic_id: AgencyId | None = Field(default=None, description=AGENCY_ID_DESCRIPTION + " Given, it is set "
                                           "with the new name (a renamed body may be issued a new identifier); "
                                           "omitted, the unit keeps its own.")


class OrgUnitIdentify(Input):
    """The electronic identifier a unit is given (or corrected to); not effective-dated: packets built from now on
    carry it, packets already built keep the one they were signed with."""

    electronic_id: AgencyId = Field(description=AGENCY_ID_DESCRIPTION)


class OrgUnitMove(Input):
    parent_id: uuid.UUID
    effective_on: EffectiveOn


# A change that ends its source unit is confirmed by retyping that unit's code (issue 20's guard rail): a wrong id
# in the path then cannot close the wrong unit. Optional here so that a missing code gets the same plain problem
# as a wrong one (`service.check_confirmed`), not a bare "field required".
CONFIRM = ("Xác nhận: nhập lại đúng mã đơn vị (`code`) của đơn vị bị {verb}, như trong `GET "
           "/api/v1/org-units/{{org_unit_id}}`. Confirmation: repeat exactly the `code` of the unit this change "
           "{ends}. {when} Missing or different: 422 `confirmation-mismatch`, whose detail names the code expected.")


def confirmation(verb: str, ends: str, when: str) -> Any:
    return Field(default=None, max_length=300, description=CONFIRM.format(verb=verb, ends=ends, when=when))


class OrgUnitMerge(Input):
    into_id: uuid.UUID
    effective_on: EffectiveOn
    confirm_unit_code: str | None = confirmation("sáp nhập", "merges away (the source, not `into_id`)", "Required.")


class SplitPart(Input):
    code: Code
    name: Name
    type: UnitType
    profile_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10_000)
    account_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10_000)


class OrgUnitSplit(Input):
    effective_on: EffectiveOn
    parts: list[SplitPart] = Field(min_length=1, max_length=50)
    close_source: bool = False
    confirm_unit_code: str | None = confirmation("chia tách", "splits", "Required with `close_source` (the unit "
                                                 "then ends); if given without it, it must match too.")


class OrgUnitDissolve(Input):
    effective_on: EffectiveOn
    move_to_id: uuid.UUID | None = Field(
        default=None, description="Where remaining people, accounts and child units go; required if any remain")
    confirm_unit_code: str | None = confirmation("giải thể", "dissolves", "Required.")


class OrgUnitRead(BaseModel):
    """A unit as it stood on a date. `valid_from`/`valid_to` (exclusive; null while current) bound the
    period in which this name, type, parent and path held."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    electronic_id: str | None = Field(description="The unit's QĐ 20/2020/QĐ-TTg electronic identifier (mã định danh "
                                                  "điện tử), its current one whatever `as_of`; null until entered")
    name: str
    type: str
    parent_id: uuid.UUID | None
    path: str
    valid_from: date
    valid_to: date | None


class OrgUnitTree(BaseModel):
    as_of: date
    items: list[OrgUnitRead]


class PersonAssignment(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    profile_id: uuid.UUID
    full_name: str
    valid_from: date
    valid_to: date | None


class OrgUnitPeople(BaseModel):
    org_unit_id: uuid.UUID = Field(description="The unit")
    as_of: date = Field(description="The day the unit's people are read for")
    items: list[PersonAssignment] = Field(description="A page of the people assigned to the unit that day, by name "
                                                      "then record id")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")


class Restructuring(BaseModel):
    """What a merge, split or dissolution did. `unit` is the source's latest state (closed when it ended)."""

    unit: OrgUnitRead
    effective_on: date
    target: OrgUnitRead | None
    parts: list[OrgUnitRead]
    moved_profile_ids: list[uuid.UUID]
    moved_account_ids: list[uuid.UUID]
    moved_unit_ids: list[uuid.UUID]


class MovedPerson(BaseModel):
    profile_id: uuid.UUID = Field(description="The person's record")
    full_name: str = Field(description="Their name, as their record holds it now")


class RestructuringPreview(Restructuring):
    """What the change would do, not done (`?dry_run=true`): nothing was written."""

    dry_run: Literal[True] = Field(description="Always true: a preview; nothing was changed")
    moved_people: list[MovedPerson] = Field(description="The people who would move (the `moved_profile_ids`), "
                                                        "with their names, by name")


ChangeAction = Literal["create", "rename", "move", "merge", "split", "dissolve"]


class OrgUnitChangeRead(BaseModel):
    """One change to the tree as it was recorded (Điều 21 khoản 2: agencies restructure their own subtree; DOHA
    reads every change of the province)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    org_unit_id: uuid.UUID = Field(description="The unit created, renamed or moved, or the source of a merge, split "
                                               "or dissolution")
    code: str = Field(description="That unit's code")
    action: ChangeAction
    effective_on: date = Field(description="The day from which the change holds")
    detail: dict[str, Any] = Field(description="What changed: names, parents, targets, parts and moved unit ids, "
                                               "and how many people and accounts moved (never who)")
    actor_id: uuid.UUID = Field(description="The account that made the change")
    actor_username: str
    recorded_at: datetime


class OrgUnitChangePage(BaseModel):
    items: list[OrgUnitChangeRead]
    next_cursor: str | None


@dataclass(frozen=True)
class Unit:
    """A unit's current row, locked for a write, with the start of its open period (None when closed)."""

    id: uuid.UUID
    code: str
    name: str
    type: str
    parent_id: uuid.UUID | None
    path: str
    valid_from: date
    valid_to: date | None
    since: date | None

    @property
    def closed(self) -> bool:
        return self.valid_to is not None


@dataclass(frozen=True)
class Moved:
    """Who a restructuring moved out of a unit."""

    profile_ids: list[uuid.UUID]
    account_ids: list[uuid.UUID]
    unit_ids: list[uuid.UUID]
