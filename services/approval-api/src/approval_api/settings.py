from __future__ import annotations

from hoso_shared.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "approval-api"
