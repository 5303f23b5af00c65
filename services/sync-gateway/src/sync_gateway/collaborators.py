"""sync-gateway's collaborators: built once by `create_app`, given to routes by `sync_gateway.dependencies`."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from hoso_shared import web
from hoso_shared.jwks import RemoteKeySet
from sync_gateway.metrics import GatewayMetrics
from sync_gateway.runtime import Runtime
from sync_gateway.settings import Settings


@dataclass(frozen=True, kw_only=True)
class Collaborators(web.Collaborators):
    settings: Settings
    metrics: GatewayMetrics
    national_keys: RemoteKeySet  # what the national side's receipts are verified with
    profile_api: httpx.AsyncClient  # hands pulled records to profile-api, with the caller's own token
    runtime: Runtime  # the signer, transports and clients the background loops share
