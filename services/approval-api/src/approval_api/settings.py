from __future__ import annotations

from pydantic import SecretStr

from hoso_shared.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "approval-api"
    # Where approved requests are applied, and the client (kind=client, scope profiles:apply) we are.
    profile_api_url: str = "http://127.0.0.1:8001"
    profile_api_client_id: str = "svc.approval-api"
    profile_api_client_secret: SecretStr = SecretStr("")
    # How often the reconciler applies approved-but-unapplied requests and the backlog gauges are
    # refreshed; 0 = never (tests drive them by hand).
    reconcile_interval_seconds: float = 30.0
