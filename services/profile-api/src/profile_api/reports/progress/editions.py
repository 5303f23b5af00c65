"""Editions of the public progress page (issue 18 item 5). MOHA's directive (Công văn 1632/BNV-VP, 2023)
publishes each province's update and sync progress at 12:00 every Monday, Wednesday and Friday "để các đơn vị
theo dõi, kiểm tra, đôn đốc"; the province publishes its own page on the schedule its deadline policy holds,
and keeps every edition, so anyone can see how it moved.

At a slot the page of every province is rendered from the figures of that moment, signed by the province for
the system (JSON with a detached JWS, PDF with PAdES: both check with POST /api/v1/reports/verify) and stored
with the HTML as published. The database refuses to change or delete an edition. Every replica may publish:
the slot's first insert wins and the others write nothing. A slot missed (the service down at 12:00) is
published at the first run after it, once, marked late with both times; one passed beyond the policy's
catch-up is left (see `DeadlinePolicy.progress_edition_due`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import cursors
from hoso_shared.db.models import ProgressEdition
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.signing import SigningIdentity
from profile_api.reports.exports import service as exports
from profile_api.reports.exports.signer import Signer
from profile_api.reports.progress import html, pdf, queries, service
from profile_api.reports.progress.errors import ProgressEditionNotFound
from profile_api.reports.progress.figures import Figures, edition_line
from profile_api.reports.progress.schemas import EditionLinks, EditionList, EditionSummary, ListLinks

SCOPES = (service.ALL,)  # the page of every province and its units
SCHEMA = "hoso-progress-edition/1"
PURPOSE = ("Công bố định kỳ số liệu tổng hợp về tiến độ cập nhật, đồng bộ và chất lượng dữ liệu hồ sơ cán bộ, "
           "công chức, viên chức (bản công bố theo lịch, Công văn 1632/BNV-VP)")
EDITIONS = "/api/v1/reports/progress/editions"


@dataclass(frozen=True)
class Published:
    id: uuid.UUID
    scope: str
    scheduled_for: datetime
    published_at: datetime
    late: bool


def links(edition_id: uuid.UUID) -> EditionLinks:
    return EditionLinks(page=f"{EDITIONS}/{edition_id}", signed_json=f"{EDITIONS}/{edition_id}.json",
                        signed_pdf=f"{EDITIONS}/{edition_id}.pdf")


async def publish_due(session: AsyncSession, identity: Callable[[], SigningIdentity], policy: DeadlinePolicy,
                      now: datetime) -> list[Published]:
    """Publishes the edition of the slot due at `now` for each scope that lacks it; returns what it wrote
    (nothing when the slot's editions exist, whoever published them)."""
    slot = policy.progress_edition_due(now)
    if slot is None:
        return []
    done = []
    for scope in SCOPES:
        if await queries.edition_exists(session, scope, slot):
            continue  # the common case: checked before rendering and signing anything
        edition = await _publish(session, identity(), policy, scope, slot, now)
        if edition is not None:
            done.append(edition)
    return done


async def _publish(session: AsyncSession, identity: SigningIdentity, policy: DeadlinePolicy, scope: str,
                   slot: datetime, now: datetime) -> Published | None:
    data = await service.build_data(session, scope, now)
    edition = Published(id=uuid.uuid4(), scope=scope, scheduled_for=slot, published_at=now,
                        late=policy.progress_edition_late(slot, now))
    signer = Signer(identity, service.SYSTEM, PURPOSE, signed_at=now.replace(microsecond=0))
    meta = {"id": str(edition.id), "scheduled_for": slot.isoformat(), "published_at": now.isoformat(),
            "late": edition.late}
    signed = exports.sign_json({"schema": SCHEMA, "edition": meta, **data}, signer)
    figures, line = Figures.of(data), edition_line(slot, now, edition.late)
    page = links(edition.id)
    page_html = html.render(figures, edition=line, downloads=(("Bản ký số PDF", page.signed_pdf),
                                                              ("Bản ký số JSON", page.signed_json)))
    unsigned = await asyncio.to_thread(pdf.render, figures, signer, line)  # font subsetting is CPU work
    values: dict[str, Any] = {
        "id": edition.id, "scope": scope, "scheduled_for": slot, "published_at": now, "late": edition.late,
        "document": {k: v for k, v in signed.items() if k != "signature"}, "signature": signed["signature"],
        "html": page_html, "pdf": await exports.sign_pdf(unsigned, signer)}
    return edition if await queries.add_edition(session, values) else None


async def list_editions(session: AsyncSession, cursor: str | None, limit: int) -> EditionList:
    """Newest first, a page at a time (keyset on the slot and the id)."""
    rows = await queries.edition_listing(session, cursors.decode(cursor) if cursor else None, limit + 1)
    items = [EditionSummary(id=r.id, scope=r.scope, scheduled_for=r.scheduled_for, published_at=r.published_at,
                            late=r.late, links=links(r.id)) for r in rows[:limit]]
    following = cursors.following(rows, limit, lambda r: (r.scheduled_for, r.id))
    first = f"{EDITIONS}?{urlencode({'limit': limit})}"
    more = f"{EDITIONS}?{urlencode({'cursor': following, 'limit': limit})}" if following else None
    return EditionList(items=items, next_cursor=following, links=ListLinks(first=first, next=more))


async def get_edition(session: AsyncSession, edition_id: uuid.UUID) -> ProgressEdition:
    found = await queries.edition(session, edition_id)
    if found is None:
        raise ProgressEditionNotFound()
    return found


def signed_json(edition: ProgressEdition) -> dict[str, Any]:
    """The document as signed, its detached JWS back in `signature` (the same bytes verify: RFC 8785)."""
    return {**edition.document, "signature": edition.signature}
