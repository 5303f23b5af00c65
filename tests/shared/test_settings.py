from __future__ import annotations

import pytest
from pydantic import ValidationError

from hoso_shared.crypto import new_key
from hoso_shared.settings import CommonSettings
from profile_api.app import create_app
from profile_api.settings import Settings as ProfileSettings


class TestPlaceholderSecrets:
    def test_refused_in_prod(self) -> None:
        with pytest.raises(ValidationError, match="placeholder"):
            CommonSettings(env="prod")
        with pytest.raises(ValidationError, match="FIELD_KEYS"):
            CommonSettings(env="prod", lookup_hmac_key="a-real-key")

    def test_accepted_with_real_secrets_or_outside_prod(self) -> None:
        CommonSettings(env="prod", lookup_hmac_key="a-real-key", field_keys={"k1": new_key()})
        CommonSettings(env="dev")

    def test_issuer_needs_its_signing_key_in_prod(self) -> None:
        settings = ProfileSettings(env="prod", lookup_hmac_key="a-real-key", field_keys={"k1": new_key()})
        with pytest.raises(ValueError, match="SIGNING_KEY"):
            create_app(settings)

    def test_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://x@h/db")
        monkeypatch.setenv("HOSO_ENV", "test")
        monkeypatch.setenv("HOSO_CORS_ORIGINS", '["https://a.example"]')
        settings = CommonSettings()
        assert settings.database_url.endswith("/db")
        assert settings.cors_origins == ["https://a.example"]
