from __future__ import annotations

from pydantic import BaseModel, Field


class TokenResponse(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
    scope: str = Field(description="Space-separated: a person's roles' scopes (`accounts:create` too while they "
                                   "hold a delegation to create personal accounts); a client's listed scopes")
    password_change_required: bool


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)
