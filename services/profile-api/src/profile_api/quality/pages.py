"""A page of stale records read for the judge (`stored`) and judged: plain rows rather than ORM objects (the
judge reads each record once and never writes it back, so the identity map, change tracking and per-object
instrumentation were most of the cost of reading it), each statement one array parameter rather than a bind per
record, and the judging a plain function of the values read, run in a thread while the next page is read."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Uuid, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db import facts
from hoso_shared.db.models import OrgUnit, Profile, ProfileSectionRow
from hoso_shared.records import SectionValues
from profile_api.quality import scoring
from profile_api.quality.scoring import Basis, Verdict


class ProfileValues(NamedTuple):
    """The columns of a profile the rules read (`records.read_items`, `records.snapshot`, the facts' subject), by
    the ORM's names, so it is read as a `Profile` is."""

    id: uuid.UUID
    org_unit_id: uuid.UUID
    category: str
    status: str
    full_name: str
    sex: str
    birth_date: date
    rank_code: str | None
    data: dict[str, Any]
    citizen_id_enc: bytes
    citizen_id_hmac: bytes
    sensitive_enc: bytes | None
    key_id: str
    reviewed_at: datetime | None


# The tables' own columns, not the mapped classes' attributes: a statement of those is the ORM's to run, row by row.
_PROFILES, _UNITS, _SECTIONS = Profile.__table__.c, OrgUnit.__table__.c, ProfileSectionRow.__table__.c
_COLUMNS = [_PROFILES[name] for name in ProfileValues._fields]


def _ids() -> Any:
    return bindparam("ids", type_=ARRAY(Uuid()))


async def load(session: AsyncSession, ids: Sequence[uuid.UUID]) -> scoring.Loaded:
    """The given profiles (ordered by id) with their units' codes and paths, their table rows and their facts."""
    stmt = (select(*_COLUMNS, _UNITS.code, _UNITS.path).join_from(Profile.__table__, OrgUnit.__table__,
                                                                  _UNITS.id == _PROFILES.org_unit_id)
            .where(_PROFILES.id == any_(_ids())).order_by(_PROFILES.id))
    # Duck-typed as the Profile it holds the columns of (see ProfileValues): what `scoring.judge_loaded` reads.
    rows: list[Any] = [(ProfileValues(*row[:-2]), row[-2], row[-1])
                       for row in await session.execute(stmt, {"ids": list(ids)})]
    subjects = [facts.Subject(p.id, p.full_name, p.birth_date, p.citizen_id_hmac) for p, _, _ in rows]
    return scoring.Loaded(rows, await section_values(session, ids), await facts.load(session, subjects))


async def section_values(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[SectionValues]]:
    r = _SECTIONS
    stmt = select(r.profile_id, r.id, r.section, r.position, r.data, r.data_enc, r.key_id).where(
        r.profile_id == any_(_ids()))
    found: dict[uuid.UUID, list[SectionValues]] = defaultdict(list)
    for profile_id, *values in await session.execute(stmt, {"ids": list(ids)}):
        found[profile_id].append((values[0], values[1], values[2], values[3], values[4], values[5]))
    return found


def verdicts(loaded: scoring.Loaded, basis: Basis) -> list[tuple[uuid.UUID, Verdict]]:
    """CPU only (decrypting, judging): run it off the event loop."""
    return [(judged.profile_id, Verdict.of(judged.report)) for judged in scoring.judge_loaded(loaded, basis)]
