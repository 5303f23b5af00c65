from __future__ import annotations

import json

import pytest
import structlog

from hoso_shared.logging import configure_logging, correlation_id, get_logger


class TestRedaction:
    def test_secrets_and_citizen_ids_never_reach_the_log(self, capsys: pytest.CaptureFixture[str]) -> None:
        configure_logging("INFO", json=True)
        token = correlation_id.set("cid-1")
        try:
            get_logger("t").info("login", password="hunter2", headers={"Authorization": "Bearer abc"},
                                 note="citizen 001085012345 asked", client_secret="s3")
        finally:
            correlation_id.reset(token)
        line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert line["password"] == "[redacted]" and line["client_secret"] == "[redacted]"
        assert line["headers"]["Authorization"] == "[redacted]"
        assert "001085012345" not in json.dumps(line)
        assert line["correlation_id"] == "cid-1"
        structlog.reset_defaults()
