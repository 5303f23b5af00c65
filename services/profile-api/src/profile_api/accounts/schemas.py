from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Kind = Literal["person", "agency", "client"]
RoleName = Literal["doha_admin", "agency_admin", "approver", "officer", "hr_system", "service", "auditor"]


def _normalise_username(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


Username = Annotated[str, BeforeValidator(_normalise_username),
                     StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                               pattern=r"^[^\x00-\x1f\x7f]+$")]
Scope = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z:-]{1,63}$")]
RequestNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                             pattern=r"^[^\x00-\x1f\x7f]+$")]
AccessAction = Literal["disable", "enable", "roles", "delegate", "undelegate"]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username = Field(description="Lower-cased; 3-64 of a-z 0-9 . _ -")
    display_name: DisplayName
    kind: Kind = Field(description="person (a CBCCVC's personal account), agency (tài khoản cơ quan) or client (a "
                                   "system)")
    roles: list[RoleName] = Field(min_length=1, max_length=4,
                                  description="Within what the caller may give an account of this kind at that unit "
                                              "(see the route)")
    org_unit_id: uuid.UUID = Field(description="Where the account sits: in the caller's subtree (a delegate: the "
                                               "delegation's); an agency admin's agency accounts go below its unit")
    profile_id: uuid.UUID | None = Field(default=None, description="A personal account's own record")
    scopes: list[Scope] = Field(default=[], max_length=20,
                                description="Clients only: exactly the scopes the client gets")


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str = Field(description="Lower-cased sign-in name")
    display_name: str = Field(description="The holder's name as shown in lists (a person's: their record's name)")
    kind: Kind = Field(description="`person`, `agency` (an agency's shared HR account) or `client` (a system)")
    roles: list[RoleName] = Field(description="What the account does; its scopes follow from them")
    scopes: list[str] = Field(description="Scopes given beyond the roles' (clients)")
    org_unit_id: uuid.UUID = Field(description="The unit whose subtree the account acts in")
    profile_id: uuid.UUID | None = Field(description="The holder's own record, if the account is a person's")
    clearance: int | None = Field(description=(
        "The restriction level (0–3) the account reads up to in its subtree, as set on a written request "
        "(PUT /api/v1/accounts/{account_id}/clearance); null: its roles' default (docs/access-levels.md)"))
    must_change_password: bool = Field(description="The holder must set a new password at the next sign-in")
    failed_logins: int = Field(description="Failed sign-ins since the last good one")
    locked_until: datetime | None = Field(description="Sign-in refused until then after too many failures")
    disabled_at: datetime | None = Field(description="When the account was disabled; null while it works")
    created_by: uuid.UUID | None = Field(description="The account that created it, when one did")
    created_at: datetime
    updated_at: datetime


class AccountCreated(BaseModel):
    account: AccountRead
    initial_password: str = Field(description="Shown once; the account must change it at first login "
                                              "(for a client: its secret)")


class PasswordReset(BaseModel):
    account: AccountRead
    temporary_password: str = Field(description="Shown once; the account must change it at next login")


class WrittenRequest(BaseModel):
    """The written request an access change rests on (văn bản đề nghị, Điều 19 khoản 4): its number and date are
    required, stored with the change and returned in the account's history."""

    model_config = ConfigDict(extra="forbid")

    request_no: RequestNo = Field(description="Số văn bản đề nghị, e.g. `125/SNV-CCVC`")
    request_date: date = Field(description="Ngày văn bản đề nghị (YYYY-MM-DD); not after today in Asia/Ho_Chi_Minh")


class RolesChange(WrittenRequest):
    """Restrict or extend an account's access (Điều 18 khoản 1): its new roles, within what the caller may give an
    account of its kind where it sits; a client's new scopes."""

    roles: list[RoleName] = Field(min_length=1, max_length=4, description="The account's roles from now on")
    scopes: list[Scope] = Field(default=[], max_length=20,
                                description="Clients only: exactly the scopes the client gets from now on")


class DelegationGrant(WrittenRequest):
    org_unit_id: uuid.UUID | None = Field(
        default=None, description="The subtree in which the delegate may create officers' personal accounts; "
                                  "default: the caller's unit. It lies in the caller's subtree and the delegate "
                                  "works in it.")


class AccessChangeRead(BaseModel):
    """One change to an account's access and the written request it rests on."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    account_id: uuid.UUID
    action: AccessAction
    request_no: str
    request_date: date
    before: dict[str, Any] = Field(description="The access before: roles, scopes, disabled, or the delegation")
    after: dict[str, Any] = Field(description="The access after, in the same shape")
    changed_by: uuid.UUID
    changed_at: datetime


class AccountChanged(AccountRead):
    access_change: AccessChangeRead = Field(description="The change just recorded, with its written request")


class DelegationRead(BaseModel):
    """Ủy quyền tạo lập tài khoản cá nhân (Điều 9 khoản 2): the delegate creates officers' personal accounts in
    the subtree of `org_unit_id` until revoked."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    delegate_id: uuid.UUID
    org_unit_id: uuid.UUID
    granted_by: uuid.UUID
    granted_at: datetime
    revoked_by: uuid.UUID | None
    revoked_at: datetime | None


class DelegationChanged(DelegationRead):
    access_change: AccessChangeRead = Field(description="The grant or revocation as recorded, with its written "
                                                        "request")


class AccountMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_unit_id: uuid.UUID


class AccountPage(BaseModel):
    items: list[AccountRead]
    next_cursor: str | None


class OverdueIncoming(BaseModel):
    profile_id: uuid.UUID
    full_name: str
    org_unit_id: uuid.UUID
    incoming_on: date
    due_on: date = Field(description="The last working day by which the account was due")


class OverdueIncomingPage(BaseModel):
    as_of: date
    items: list[OverdueIncoming]
    next_cursor: str | None


class IncomingWithoutAccount(BaseModel):
    profile_id: uuid.UUID = Field(description="The person's record")
    full_name: str = Field(description="Their name")
    org_unit_id: uuid.UUID = Field(description="The unit that took them in")
    incoming_on: date = Field(description="The day they came in (the record handed over)")
    due_on: date = Field(description="The last working day by which their account is due")
    overdue: bool = Field(description="`due_on` is before `as_of`")


class IncomingPage(BaseModel):
    as_of: date = Field(description="The day `overdue` is judged on")
    items: list[IncomingWithoutAccount] = Field(description="A page, by arrival day then record id: the late first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")


@dataclass(frozen=True)
class AccountFilter:
    role: str | None = None
    disabled: bool | None = None
