"""Workforce statistics of a unit's subtree: the headcount on a day by category, rank, training,
age, sex, ethnicity and Party membership, and the people recruited and departed over a period.

Who counts is decided from history (`membership`: assignments and the org tree's periods), then only
those records are read, a page at a time, and decrypted and counted off the event loop. A caller
sees a unit of their subtree (404 otherwise, never 403), and only units currently in their subtree
are counted; the party dimension needs `profiles:sensitive` too, as it is read from sealed items."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit, Profile
from hoso_shared.records import SectionValues
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import local_today
from profile_api.audit import service as audit
from profile_api.reports.exports import service as exports
from profile_api.reports.exports.signer import Signer
from profile_api.reports.statistics import membership, queries, tally
from profile_api.reports.statistics.auth import SENSITIVE
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


@dataclass(frozen=True)
class Counted:
    values: list[dict[str, str]]  # one per person present on as_of
    recruited: int


def today() -> date:
    return local_today()


def period(as_of: date, first: date | None, last: date | None) -> tuple[date, date]:
    """[first, last], by default the calendar year of `as_of`."""
    first, last = first or date(as_of.year, 1, 1), last or date(as_of.year, 12, 31)
    if first > last:
        raise InvalidPeriod(f"`from` ({first}) must not be after `to` ({last}).")
    return first, last


def count_page(found: list[Profile], rows: dict[uuid.UUID, list[SectionValues]], basis: Basis,
               present: set[uuid.UUID], during: set[uuid.UUID]) -> Counted:
    """CPU only (decrypting, classifying): run it off the event loop."""
    values, recruited = [], 0
    for profile in found:
        here = profile.id in present
        items = records.read_items(profile, basis.cipher, sensitive=basis.party and here)
        if here:
            sections = records.read_section_values(rows.get(profile.id, []), basis.cipher, sensitive=False)
            values.append(tally.classify(profile.category, items, sections, basis.as_of, party=basis.party))
        if profile.id in during and tally.recruited_during(items, basis.first, basis.last):
            recruited += 1
    return Counted(values, recruited)


async def visible_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID | None) -> OrgUnit:
    unit = await queries.unit(session, unit_id or principal.org_unit_id)
    if unit is None or not principal.covers(unit.path):
        raise OrgUnitNotFound()  # 404, never 403: no leak
    return unit


async def unit_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    return await queries.unit_by_code(session, code)


async def get_workforce(session: AsyncSession, principal: Principal, cipher: FieldCipher, *,
                        org_unit_id: uuid.UUID | None, as_of: date, first: date | None,
                        last: date | None) -> WorkforceStatistics:
    first, last = period(as_of, first, last)
    unit = await visible_unit(session, principal, org_unit_id)
    basis = Basis(as_of, first, last, cipher, party=principal.has_scopes(SENSITIVE))
    return await workforce(session, unit, basis, principal=principal)


async def workforce(session: AsyncSession, unit: OrgUnit, basis: Basis, *, principal: Principal | None = None,
                    progress: Progress | None = None) -> WorkforceStatistics:
    """The statistics of `unit`'s subtree; with a `principal`, only of units in their subtree."""
    inside = membership.inside_spans(await queries.unit_periods(session, unit.id, principal))
    stays = membership.stays(await queries.assignments(session, unit.id, principal), inside)
    present = membership.present_on(stays, basis.as_of)
    during = membership.present_during(stays, basis.first, basis.last)
    counts, recruited = tally.Tally(party=basis.party), 0
    ids = sorted(present | during)
    for start in range(0, len(ids), queries.PAGE):
        page = ids[start:start + queries.PAGE]
        found, rows = await queries.profiles(session, page), await queries.trainings(session, page)
        counted = await asyncio.to_thread(count_page, found, rows, basis, present, during)
        for values in counted.values:
            counts.add(values)
        recruited += counted.recruited
        if progress is not None:
            progress(start + len(page), len(ids))
    return WorkforceStatistics(
        org_unit=UnitRef(id=unit.id, code=unit.code, name=unit.name), as_of=basis.as_of,
        period=Period(first=basis.first, last=basis.last), total=counts.total, by=counts.by(),
        recruited=recruited, departed=len(membership.left_during(stays, basis.first, basis.last)))


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
