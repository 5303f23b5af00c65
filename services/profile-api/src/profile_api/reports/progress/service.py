"""The public progress page: per province (or the unit asked for) and each of its direct units, the share
of kept records updated this month and this quarter, approved, synced and acknowledged nationally, and
the share passing each quality criterion in the latest snapshot.

Aggregates only: unit codes and names, counts and shares, never a person's name, ID or birth date, so it
is served without a login. Rendering is cached per scope in `progress_pages` (shared by every replica):
a page older than MAX_AGE is rendered again when asked for, `refresh` renders it now, and
`refresh_stale` is what a scheduled task calls (see `tasks`).

The PDF and the JSON of a page are signed by the province for the system (`SYSTEM`: no one asked, the
page is public), when served, with the signed exports' helpers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.models import OrgUnit, QualitySnapshot
from hoso_shared.logging import get_logger
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import ZONE
from profile_api.reports.exports import service as exports
from profile_api.reports.exports.schemas import SignerPerson
from profile_api.reports.exports.signer import Signer
from profile_api.reports.progress import html, pdf, queries
from profile_api.reports.progress.errors import ProgressUnitNotFound
from profile_api.reports.progress.figures import Figures

ALL = ""  # the scope of the page without `unit_code`: every province
MAX_AGE = timedelta(minutes=15)
PASSING = {"Đúng": "passing_dung", "Đủ": "passing_du", "Sạch": "passing_sach", "Sống": "passing_song"}
log = get_logger("profile_api.reports.progress")
SCHEMA = "hoso-progress-page/1"
SYSTEM = SignerPerson(account_id="system", username="system", display_name="Hệ thống Hồ sơ Gateway", roles=[])
PURPOSE = ("Công bố số liệu tổng hợp về tiến độ cập nhật, đồng bộ và chất lượng dữ liệu hồ sơ cán bộ, công chức, "
           "viên chức (trang công khai)")


@dataclass(frozen=True)
class Page:
    scope: str
    data: dict[str, Any]
    html: str
    generated_at: datetime

    def pdf(self, signer: Signer) -> bytes:
        """Unsigned: `signed_pdf` signs it."""
        return pdf.render(Figures.of(self.data), signer)


def system_signer(identity: SigningIdentity) -> Signer:
    return Signer(identity, SYSTEM, PURPOSE)


async def signed_pdf(page: Page, identity: SigningIdentity) -> bytes:
    """The page's PDF, signed (PAdES) by the province for the system."""
    signer = system_signer(identity)
    unsigned = await asyncio.to_thread(page.pdf, signer)  # font subsetting is CPU work
    return await exports.sign_pdf(unsigned, signer)


def signed_json(page: Page, identity: SigningIdentity) -> dict[str, Any]:
    """The page's aggregates (`schema`, then what the page is rendered from) with a detached JWS."""
    return exports.sign_json({"schema": SCHEMA, **page.data}, system_signer(identity))


def _starts(now: datetime) -> tuple[datetime, datetime]:
    """The first instants (UTC) of the Vietnamese month and quarter holding `now`."""
    local = now.astimezone(ZONE).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    quarter = local.replace(month=(local.month - 1) // 3 * 3 + 1)
    return local.astimezone(UTC), quarter.astimezone(UTC)


def _quality(snapshot: QualitySnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {"day": snapshot.day.isoformat(), "records": snapshot.records,
            "passing": {criterion: int(getattr(snapshot, column)) for criterion, column in PASSING.items()}}


def _row(unit: OrgUnit, level: int, counts: dict[str, int], snapshot: QualitySnapshot | None) -> dict[str, Any]:
    numbers = counts or dict.fromkeys(queries.STAGES, 0)
    return {"code": unit.code, "name": unit.name, "level": level, **numbers, "quality": _quality(snapshot)}


async def _heads(session: AsyncSession, scope: str, now: datetime) -> list[OrgUnit]:
    today = now.astimezone(ZONE).date()
    if scope == ALL:
        return await queries.roots(session, today)
    unit = await queries.unit_by_code(session, scope, today)
    if unit is None:
        raise ProgressUnitNotFound()
    return [unit]


async def build_data(session: AsyncSession, scope: str, now: datetime) -> dict[str, Any]:
    heads = await _heads(session, scope, now)
    units = await queries.children(session, [h.id for h in heads], now.astimezone(ZONE).date())
    ids = [u.id for u in (*heads, *units)]
    month, quarter = _starts(now)
    counts = await queries.counts(session, ids, month=month, quarter=quarter)
    snapshots = await queries.latest_snapshots(session, ids)
    sections = [{"code": head.code, "name": head.name,
                 "rows": [_row(head, 0, counts.get(head.id, {}), snapshots.get(head.id))]
                 + [_row(u, 1, counts.get(u.id, {}), snapshots.get(u.id)) for u in units if u.parent_id == head.id]}
                for head in heads]
    return {"scope": scope, "generated_at": now.isoformat(), "month_since": month.isoformat(),
            "quarter_since": quarter.isoformat(), "sections": sections}


async def render_page(session: AsyncSession, scope: str, now: datetime) -> Page:
    """Renders the scope's page now and stores it as the cached one."""
    data = await build_data(session, scope, now)
    page = Page(scope=scope, data=data, html=html.render(Figures.of(data)), generated_at=now)
    await queries.store(session, scope, data, page.html, now)
    return page


async def get_page(session: AsyncSession, unit_code: str | None, now: datetime) -> Page:
    """The cached page while it is younger than MAX_AGE, else a fresh one."""
    scope = unit_code.strip() if unit_code else ALL
    cached = await queries.cached(session, scope)
    if cached is not None and now - cached.generated_at < MAX_AGE:
        return Page(scope=scope, data=cached.data, html=cached.html, generated_at=cached.generated_at)
    return await render_page(session, scope, now)


async def refresh(session: AsyncSession, principal: Principal, unit_code: str | None, now: datetime) -> Page:
    """On demand (`reports:read`): a unit's page when the unit is in the caller's subtree; the page of
    every province when the caller's subtree holds every province."""
    scope = unit_code.strip() if unit_code else ALL
    for head in await _heads(session, scope, now):
        if not principal.covers(head.path):
            raise ProgressUnitNotFound()  # 404, never 403: no leak
    return await render_page(session, scope, now)


async def refresh_stale(session: AsyncSession, now: datetime, older_than: timedelta = timedelta(0)) -> list[str]:
    """Renders again every cached page (and the province-wide one) rendered before `now - older_than`;
    returns their scopes. A page whose unit has since gone is left as it was."""
    done = []
    cached = dict(await queries.cached_scopes(session))
    for scope in sorted({ALL, *cached}):
        if scope in cached and now - cached[scope] < older_than:
            continue
        try:
            await render_page(session, scope, now)
        except ProgressUnitNotFound:
            log.info("progress_page_unit_gone", scope=scope)
            continue
        done.append(scope)
    return done
