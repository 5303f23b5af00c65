"""`uvicorn portal.main:app`: settings from the environment (HOSO_…)."""

from portal.app import create_app
from portal.settings import Settings

app = create_app(Settings())
