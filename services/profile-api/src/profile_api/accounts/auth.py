from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

AccountsRead = Annotated[Principal, Security(authorize, scopes=["accounts:read"])]
# Creating: admins, and people an admin delegated personal-account creation to (Điều 9 khoản 2).
AccountsCreate = Annotated[Principal, Security(authorize, scopes=["accounts:create"])]
# Managing existing accounts and their access (Điều 18 khoản 1): admins only.
AccountsWrite = Annotated[Principal, Security(authorize, scopes=["accounts:write"])]
