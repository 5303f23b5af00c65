"""approval-api's collaborators as route parameters; the shared ones (`Now`, `Today`, `Deadlines`) are
`hoso_shared.dependencies`'."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from approval_api.change_requests.service import Workflow
from approval_api.collaborators import Collaborators
from hoso_shared.web import collaborators_of


async def collaborators(request: Request) -> Collaborators:
    return collaborators_of(request.app, Collaborators)


async def workflow(wiring: Annotated[Collaborators, Depends(collaborators)]) -> Workflow:
    return wiring.workflow


AppWorkflow = Annotated[Workflow, Depends(workflow)]
