from __future__ import annotations

from typing import Annotated

from fastapi import Security

from hoso_shared.auth import Principal, authorize

# The auditor's scope (hoso_shared.auth.scopes: Role.auditor; Điều 19 khoản 6, Điều 21 khoản 5).
AuditRead = Annotated[Principal, Security(authorize, scopes=["audit:read"])]
# A person's view of their own record's reads: any signed-in account linked to a record (checked in the service).
SignedIn = Annotated[Principal, Security(authorize)]
