from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

AccountsRead = Annotated[Principal, Security(authorize, scopes=["accounts:read"])]
AccountsWrite = Annotated[Principal, Security(authorize, scopes=["accounts:write"])]
