from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

WRITE, READ, SENSITIVE = "profiles:write", "profiles:read", "profiles:sensitive"

ProfilesWrite = Annotated[Principal, Security(authorize, scopes=[WRITE])]
ProfilesRead = Annotated[Principal, Security(authorize, scopes=[READ])]
