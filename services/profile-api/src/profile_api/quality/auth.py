from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

READ = "quality:read"

QualityRead = Annotated[Principal, Security(authorize, scopes=[READ])]
