"""Workforce statistics of a unit's subtree: the headcount on a day by category, rank, training,
age, sex, ethnicity and Party membership, and the people recruited and departed over a period.

The database decides who counts from history (`membership`: assignments and the org tree's periods) and
groups those records by the values they store (`queries`); each group is classified once (`tally`). Only
the Party dimension is read from sealed items: those are decrypted a page at a time, off the event loop,
so a province is never held in memory. A caller sees a unit of their subtree (404 otherwise, never 403),
and only units currently in their subtree are counted; the party dimension needs clearance for
Party records (level 3, `sees_party`), as it is read from them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, clearance_of
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit
from hoso_shared.form import ITEM_LEVELS
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import local_today
from profile_api.audit import service as audit
from profile_api.reports.exports import service as exports
from profile_api.reports.exports.signer import Signer
from profile_api.reports.statistics import queries, tally
from profile_api.reports.statistics.errors import InvalidPeriod, NotSignable, OrgUnitNotFound
from profile_api.reports.statistics.pdf import render_workforce
from profile_api.reports.statistics.schemas import Period, ReportFormat, UnitRef, WorkforceStatistics

Progress = Callable[[int, int], None]  # (records read, records to read)
Signed = Literal["json", "pdf"]
SCHEMA = "hoso-workforce-statistics/1"


@dataclass(frozen=True)
class Basis:
    """What one run counts against."""

    as_of: date
    first: date
    last: date
    cipher: FieldCipher
    party: bool  # count Party membership (decrypts the sealed items)


def today() -> date:
    return local_today()


def period(as_of: date, first: date | None, last: date | None) -> tuple[date, date]:
    """[first, last], by default the calendar year of `as_of`."""
    first, last = first or date(as_of.year, 1, 1), last or date(as_of.year, 12, 31)
    if first > last:
        raise InvalidPeriod(f"`from` ({first}) must not be after `to` ({last}).")
    return first, last


async def visible_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID | None) -> OrgUnit:
    unit = await queries.unit(session, unit_id or principal.org_unit_id)
    if unit is None or not principal.covers(unit.path):
        raise OrgUnitNotFound()  # 404, never 403: no leak
    return unit


async def unit_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    return await queries.unit_by_code(session, code)


PARTY_LEVEL = ITEM_LEVELS["party_joined_on"]  # what the Party dimension counts from


def sees_party(principal: Principal) -> bool:
    """The Party dimension is counted from Party membership dates (level 3, political and Party records): only for
    a caller cleared to that level in their subtree (a written grant opens single records, not this count)."""
    return clearance_of(principal) >= PARTY_LEVEL


async def get_workforce(session: AsyncSession, principal: Principal, cipher: FieldCipher, *,
                        org_unit_id: uuid.UUID | None, as_of: date, first: date | None,
                        last: date | None) -> WorkforceStatistics:
    first, last = period(as_of, first, last)
    unit = await visible_unit(session, principal, org_unit_id)
    basis = Basis(as_of, first, last, cipher, party=sees_party(principal))
    return await workforce(session, unit, basis, principal=principal)


async def workforce(session: AsyncSession, unit: OrgUnit, basis: Basis, *, principal: Principal | None = None,
                    progress: Progress | None = None) -> WorkforceStatistics:
    """The statistics of `unit`'s subtree; with a `principal`, only of units in their subtree."""
    await queries.settle(session)
    found = await queries.members(session, unit.id, principal, basis.as_of, basis.first, basis.last)
    counts = tally.Tally(party=basis.party, total=len(found.present))

    async def grouped() -> None:
        counts.add_heads(await queries.heads(session, found.present), basis.as_of)
        counts.add_trainings(await queries.trainings(session, found.present, basis.as_of))

    if basis.party:
        counts.add_party(await party_members(session, found.present, basis, progress, meanwhile=grouped))
    else:
        await grouped()
        if progress is not None:
            progress(len(found.present), len(found.present))
    return WorkforceStatistics(
        org_unit=UnitRef(id=unit.id, code=unit.code, name=unit.name), as_of=basis.as_of,
        period=Period(first=basis.first, last=basis.last), total=counts.total, by=counts.by(),
        recruited=found.recruited, departed=found.departed)


async def party_members(session: AsyncSession, present: list[uuid.UUID], basis: Basis, progress: Progress | None,
                        meanwhile: Callable[[], Awaitable[None]]) -> int:
    """The Party members among `present`: their sealed items read a page at a time, each page decrypted in a
    worker thread while the database works on the next (and, during the first, on `meanwhile`'s statements),
    so the CPU of this process and of PostgreSQL's overlap. Two pages at most are held."""
    pages = await queries.sealed_items(session, present)
    counting: asyncio.Future[int] | None = None
    members = read = 0
    try:
        while page := await pages.fetch(queries.PAGE):
            first = counting is None
            if counting is not None:
                members += await counting
            counting = asyncio.ensure_future(asyncio.to_thread(tally.party_members, page, basis.cipher,
                                                               basis.as_of))
            read += len(page)
            if progress is not None:
                progress(read, len(present))
            if first:
                await meanwhile()
        if counting is None:
            await meanwhile()
        return members + (await counting if counting is not None else 0)
    finally:
        if counting is not None and not counting.done():
            await asyncio.wait([counting])  # a failed read leaves no thread behind


def signed_as(file_format: ReportFormat, signed: bool) -> Signed | None:
    """How the answer is signed: the PDF always, the JSON when asked; CSV and xlsx never (422 if asked)."""
    if file_format == "pdf":
        return "pdf"
    if signed and file_format != "json":
        raise NotSignable(f"`signed=true` applies to format=json, not {file_format}.")
    return "json" if signed else None


def purpose(stats: WorkforceStatistics) -> str:
    return (f"Báo cáo thống kê đội ngũ cán bộ, công chức, viên chức của {stats.org_unit.name} "
            f"({stats.org_unit.code}) tại ngày {stats.as_of:%d/%m/%Y}, có giá trị như bản gốc")


def document(stats: WorkforceStatistics, signer: Signer) -> dict[str, Any]:
    """The JSON answer (unchanged members) with what a standalone file needs: its schema and export time."""
    return {"schema": SCHEMA, "exported_at": signer.signed_at.isoformat().replace("+00:00", "Z"),
            **stats.model_dump(mode="json", by_alias=True)}


async def sign_workforce(session: AsyncSession, principal: Principal, stats: WorkforceStatistics, kind: Signed,
                         identity: SigningIdentity) -> bytes:
    """The statistics signed by the province on behalf of the caller: a PAdES PDF, or the JSON with its
    detached JWS in `signature` (docs/exports.md). Audited as `export.workforce.<kind>`."""
    signer = await exports.signer_for(session, principal, identity, purpose(stats))
    await audit.record(session, principal, f"export.workforce.{kind}", "org_unit", stats.org_unit.id)
    if kind == "json":
        return to_json(exports.sign_json(document(stats, signer), signer))
    unsigned = await asyncio.to_thread(render_workforce, stats, signer)  # font subsetting is CPU work
    return await exports.sign_pdf(unsigned, signer)
