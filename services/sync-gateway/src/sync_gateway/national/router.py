from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from sync_gateway.national.errors import FormatUnknown
from sync_gateway.national.formats import adapter_for

router = APIRouter(prefix="/api/v1/national", tags=["national format"])
SCHEMA_MEDIA_TYPE = "application/schema+json"


@router.get(
    "/schema/{version}", summary="The JSON Schema of a record in a wire format version (public).",
    description="The JSON Schema (draft 2020-12) that each record's `record` in a packet of format `version` "
                "(the packet's signed `format` field) validates against: Nghị định 27/2026's ten data groups, "
                "each item with the constraints our API checks. Generated from the adapter's mapping "
                "(docs/national-format.md); ndxp-sim checks every record it takes against it. Public, like the "
                "JWKS: it holds no personal data.",
    response_class=JSONResponse,
    responses={200: {"description": "The schema.", "content": {SCHEMA_MEDIA_TYPE: {"schema": {"type": "object"}}}},
               **FormatUnknown.openapi()})
async def read_format_schema(
        version: Annotated[str, Path(max_length=20, description="The format version, e.g. `v1`.")]) -> Any:
    return JSONResponse(adapter_for(version).schema(), media_type=SCHEMA_MEDIA_TYPE)
