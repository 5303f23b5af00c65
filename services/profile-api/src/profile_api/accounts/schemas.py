from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Kind = Literal["person", "agency", "client"]
RoleName = Literal["doha_admin", "agency_admin", "approver", "officer", "hr_system", "service"]


def _normalise_username(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


Username = Annotated[str, BeforeValidator(_normalise_username),
                     StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                               pattern=r"^[^\x00-\x1f\x7f]+$")]
Scope = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z:-]{1,63}$")]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username = Field(description="Lower-cased; 3-64 of a-z 0-9 . _ -")
    display_name: DisplayName
    kind: Kind
    roles: list[RoleName] = Field(min_length=1, max_length=4)
    org_unit_id: uuid.UUID
    profile_id: uuid.UUID | None = Field(default=None, description="A personal account's own record")
    scopes: list[Scope] = Field(default=[], max_length=20,
                                description="Clients only: exactly the scopes the client gets")


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    kind: Kind
    roles: list[RoleName]
    scopes: list[str]
    org_unit_id: uuid.UUID
    profile_id: uuid.UUID | None
    must_change_password: bool
    failed_logins: int
    locked_until: datetime | None
    disabled_at: datetime | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class AccountCreated(BaseModel):
    account: AccountRead
    initial_password: str = Field(description="Shown once; the account must change it at first login "
                                              "(for a client: its secret)")


class PasswordReset(BaseModel):
    account: AccountRead
    temporary_password: str = Field(description="Shown once; the account must change it at next login")


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


@dataclass(frozen=True)
class AccountFilter:
    role: str | None = None
    disabled: bool | None = None
