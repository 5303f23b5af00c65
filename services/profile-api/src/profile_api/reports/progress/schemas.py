"""The list of published progress editions (the page of each is HTML, its files signed JSON and PDF)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class EditionLinks(BaseModel):
    page: str = Field(description="The edition as it was published: an HTML page (Vietnamese)")
    signed_json: str = Field(description="Its figures as JSON with a detached JWS (`signature`), as page.json")
    signed_pdf: str = Field(description="The same figures as a PDF signed by the province (PAdES)")


class EditionSummary(BaseModel):
    id: uuid.UUID = Field(description="The edition's id, as in its links")
    scope: str = Field(description="Whose page: \"\" for every province and its units, else a unit's code")
    scheduled_for: datetime = Field(description="The scheduled publication time (UTC) the edition stands for: "
                                                "12:00 Hà Nội time on a Monday, Wednesday or Friday by default")
    published_at: datetime = Field(description="When it was really published (UTC); its figures are as of then")
    late: bool = Field(description="Published later than the policy allows after its slot (the service was down "
                                   "at the scheduled time): both times say by how much")
    links: EditionLinks = Field(description="Where to read it")


class ListLinks(BaseModel):
    first: str = Field(description="The first page of the list (the newest editions)")
    next: str | None = Field(description="The next (older) page; null on the last page")


class EditionList(BaseModel):
    items: list[EditionSummary] = Field(description="Editions, newest scheduled time first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")
    links: ListLinks = Field(description="This list's first and next pages, ready to follow")
