"""Settings common to every service. Built in `create_app()` or `main`, never at import."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoso_shared.deadlines import DEFAULT_POLICY, DeadlinePolicy, resolve_policy

PLACEHOLDER = "change-me"


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOSO_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    service_name: str = "hoso"
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/hoso",
        validation_alias=AliasChoices("DATABASE_URL", "HOSO_DATABASE_URL"),
    )
    db_pool_size: int = 10
    log_level: str = "INFO"
    log_json: bool = True
    cors_origins: list[str] = []
    max_body_bytes: int = 1_048_576

    # Token verification: every service checks tokens locally.
    auth_issuer: str = "hoso-gateway/profile-api"
    auth_audience: str = "hoso-api"
    auth_jwks: str = ""  # inline JWKS JSON; wins over the URL when set
    auth_jwks_url: str = ""  # profile-api's /.well-known/jwks.json
    auth_leeway_seconds: int = 30

    # The deadline policy (DOMAIN "decisions"): `hanoi-2024` or `nd27-2026`. It sets the approval window,
    # the deadlines the quality rules judge and when requests are overdue, for every service alike.
    policy: str = DEFAULT_POLICY

    # Field encryption at rest: key ids to 32-byte keys (base64url); the first is current.
    field_keys: dict[str, SecretStr] = {}
    lookup_hmac_key: SecretStr = SecretStr(PLACEHOLDER)

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        resolve_policy(value)
        return value

    @property
    def deadline_policy(self) -> DeadlinePolicy:
        """The preset `policy` names: every deadline any service judges."""
        return resolve_policy(self.policy)

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> CommonSettings:
        if self.env == "prod":
            secrets = [self.lookup_hmac_key, *self.field_keys.values()]
            if any(s.get_secret_value() in ("", PLACEHOLDER) for s in secrets):
                raise ValueError("placeholder or empty secret outside dev/test")
            if not self.field_keys:
                raise ValueError("HOSO_FIELD_KEYS must hold at least one key outside dev/test")
        return self
