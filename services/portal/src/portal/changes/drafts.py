"""A proposal being made: what it changes, the day the information changed, its evidence and note, kept in the
person's server-side session between the question pages, the check-your-answers page and the API's answer.
Nothing is sent to the API before "Gửi đề nghị" except an uploaded scan (profile-api keeps evidence first, then
takes its id with the proposal). A session keeps a few drafts; the oldest goes first."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from portal.sessions import PortalSession

Kind = Literal["items", "add", "edit", "remove"]
KEPT = 10


@dataclass
class Draft:
    id: str
    profile_id: str
    kind: Kind
    lines: tuple[str, ...] = ()  # items: the form's lines it covers
    section: str | None = None  # a table's name (add, edit, remove)
    row_id: str | None = None  # edit, remove
    values: dict[str, Any] = field(default_factory=dict)  # items: the changed ones; a row: the whole new row
    typed: dict[str, str] = field(default_factory=dict)  # what was typed, by input name (to show the form again)
    occurred_on: str | None = None  # ISO date
    comment: str | None = None
    attachment_ids: list[str] = field(default_factory=list)
    replaces: str | None = None  # a returned request this one corrects (withdrawn once this one is taken)
    answered: bool = False  # its question was answered (a correction starts pre-filled, not answered)
    accepted: dict[str, Any] | None = None  # profile-api's 202 answer, once submitted
    replaced: str | None = None  # "withdrawn" or the reason the returned request could not be withdrawn

    @property
    def base(self) -> str:
        return f"/ho-so/{self.profile_id}/de-nghi"

    @property
    def form_path(self) -> str:
        """The question page that asks what changes."""
        if self.kind == "items":
            return f"{self.base}/muc/{','.join(self.lines)}"
        if self.kind == "add":
            return f"{self.base}/bang/{self.section}/them"
        return f"{self.base}/bang/{self.section}/{self.row_id}/{'sua' if self.kind == 'edit' else 'xoa'}"

    @property
    def evidence_path(self) -> str:
        return f"{self.base}/{self.id}/minh-chung"

    @property
    def check_path(self) -> str:
        return f"{self.base}/{self.id}/kiem-tra"

    @property
    def done_path(self) -> str:
        return f"{self.base}/{self.id}/da-gui"


def new(session: PortalSession, profile_id: str, kind: Kind, **given: Any) -> Draft:
    draft = Draft(id=secrets.token_urlsafe(9), profile_id=profile_id, kind=kind, **given)
    session.drafts[draft.id] = draft
    while len(session.drafts) > KEPT:
        session.drafts.popitem(last=False)
    return draft


def find(session: PortalSession, profile_id: str, draft_id: str | None, *, asked_at: str | None = None) -> Draft | None:
    """The session's draft for this record, if it is still kept (None: start again); with `asked_at`, only one
    whose question is that page (a draft is never answered by another question's form)."""
    draft = session.drafts.get(draft_id) if draft_id else None
    if not isinstance(draft, Draft) or draft.profile_id != profile_id or draft.accepted is not None:
        return None
    return draft if asked_at is None or draft.form_path == asked_at else None


def kept(session: PortalSession, profile_id: str, draft_id: str) -> Draft | None:
    """The session's draft by id, answered or already submitted."""
    draft = session.drafts.get(draft_id)
    return draft if isinstance(draft, Draft) and draft.profile_id == profile_id else None
