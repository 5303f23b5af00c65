from __future__ import annotations

from hoso_shared.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "ndxp-sim"
