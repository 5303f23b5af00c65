"""sync-gateway's collaborators as route parameters; the shared ones (`Now`, `Today`, `Deadlines`) are
`hoso_shared.dependencies`'."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request

from hoso_shared.jwks import RemoteKeySet
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.runtime import Runtime
from sync_gateway.settings import Settings


async def collaborators(request: Request) -> Collaborators:
    return collaborators_of(request.app, Collaborators)


Wiring = Annotated[Collaborators, Depends(collaborators)]


async def settings(wiring: Wiring) -> Settings:
    return wiring.settings


async def metrics(wiring: Wiring) -> GatewayMetrics:
    return wiring.metrics


async def national_keys(wiring: Wiring) -> RemoteKeySet:
    return wiring.national_keys


async def profile_api(wiring: Wiring) -> httpx.AsyncClient:
    return wiring.profile_api


async def runtime(wiring: Wiring) -> Runtime:
    return wiring.runtime


AppSettings = Annotated[Settings, Depends(settings)]
Metrics = Annotated[GatewayMetrics, Depends(metrics)]
NationalKeys = Annotated[RemoteKeySet, Depends(national_keys)]
ProfileApi = Annotated[httpx.AsyncClient, Depends(profile_api)]
AppRuntime = Annotated[Runtime, Depends(runtime)]
