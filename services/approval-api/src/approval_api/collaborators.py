"""approval-api's collaborators: built once by `create_app`, given to routes by `approval_api.dependencies`."""

from __future__ import annotations

from dataclasses import dataclass

from approval_api.change_requests.service import Workflow
from approval_api.settings import Settings
from hoso_shared import web


@dataclass(frozen=True, kw_only=True)
class Collaborators(web.Collaborators):
    settings: Settings
    workflow: Workflow  # holds the app's one ProfileClient
