from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment

from hoso_shared.time import Clock
from portal.api import Apis
from portal.sessions import SessionStore
from portal.settings import Settings


@dataclass
class Collaborators:
    settings: Settings
    apis: Apis
    sessions: SessionStore
    templates: dict[str, Environment]  # one per language
    clock: Clock
