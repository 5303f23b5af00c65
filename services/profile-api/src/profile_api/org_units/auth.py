from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

OrgUnitsRead = Annotated[Principal, Security(authorize, scopes=["org-units:read"])]
OrgUnitsWrite = Annotated[Principal, Security(authorize, scopes=["org-units:write"])]
