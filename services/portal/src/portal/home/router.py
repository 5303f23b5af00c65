from __future__ import annotations

from fastapi import APIRouter, Request, Response

from portal.home import service
from portal.web import Person, Wiring, render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def show_tasks(request: Request, wiring: Wiring, person: Person) -> Response:
    """Home: what I must do and by when (GET /api/v1/tasks), overdue first, each with the screen that does it."""
    body = await wiring.apis.json(person, "profile", "GET", "/api/v1/tasks", params={"limit": 50})
    return await render(request, wiring, person, "home/tasks.html", service.task_page(body))
