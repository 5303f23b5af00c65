"""The portal's settings (environment, prefix HOSO_). It holds no database URL and no data key: it reads and
writes nothing but through the APIs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOSO_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    log_level: str = "INFO"
    log_json: bool = True
    profile_api_url: str = "http://127.0.0.1:8001"
    approval_api_url: str = "http://127.0.0.1:8002"
    sync_gateway_url: str = "http://127.0.0.1:8003"
    # A session ends after this long without a request, and in any case when the person's access token expires
    # (profile-api's `token_ttl_seconds`): the person signs in again.
    portal_idle_minutes: int = Field(30, ge=1, le=24 * 60)
    # Sessions kept at once in this process (the oldest idle one goes first beyond it).
    portal_max_sessions: int = Field(10_000, ge=10)
    portal_default_language: Literal["vi", "en"] = "vi"
    # Uploads go to profile-api as they came; a larger one is refused here before it is read whole.
    portal_max_upload_bytes: int = 10 * 1024 * 1024
    # An import's workbook (portal.bulk), sent on to profile-api as it came; larger ones are refused here.
    portal_max_import_bytes: int = 50 * 1024 * 1024

    @property
    def secure_cookies(self) -> bool:
        """`Secure` cookies everywhere but on a developer's plain-HTTP machine."""
        return self.env == "prod"
