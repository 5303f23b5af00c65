from __future__ import annotations

from pydantic import SecretStr

from hoso_shared.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "profile-api"
    # The private JWK (JSON) that signs access tokens; its public half is served as JWKS.
    token_signing_key: SecretStr = SecretStr("")
    # Retired public keys still published, so tokens they signed verify until they expire.
    token_previous_public_keys: str = ""
    token_ttl_seconds: int = 900
    max_failed_logins: int = 5
    lockout_minutes: int = 15
