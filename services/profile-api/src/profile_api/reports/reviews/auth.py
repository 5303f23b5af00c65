from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

READ = "reports:read"

ReportsRead = Annotated[Principal, Security(authorize, scopes=[READ])]
