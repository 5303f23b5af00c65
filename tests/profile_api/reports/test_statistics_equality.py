"""The workforce statistics counted by the database (GROUP BY over what is stored in clear, the sealed Party dates
decrypted in a streaming pass) equal the per-record count they replaced (statistics_oracle), on a few hundred
varied records: people moving in and out of the subtree, with gaps, touching and overlapping assignments, none
at all, archived with an assignment left open, still pending; a unit moved between parents, one dissolved, one
with an empty period; trainings finished before and after the day; dates missing, invalid or in the period's
edges, as the form stores them (YYYY-MM-DD); and a caller confined to part of the tree."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, OrgUnitPeriod, ProfileAssignment, ProfileSectionRow
from profile_api.reports.statistics import service
from tests.factories import CIPHER, make_account, make_profile, make_unit, principal_for
from tests.profile_api.reports import statistics_oracle as oracle

MOVED_ON, DISSOLVED_ON = date(2026, 3, 1), date(2024, 1, 1)
DAYS = [date(2010, 6, 30), DISSOLVED_ON, date(2026, 2, 28), MOVED_ON, date(2026, 6, 30), date(2027, 12, 31)]
DATES = [None, "", "2026-02-30", "không rõ", "1999-12-31", "2010-06-30", "2024-01-01", "2025-12-31", "2026-01-01",
         "2026-02-28", "2026-06-30", "2026-07-01", "2026-12-31", "2027-06-01"]
RANKS = ["01.001", "01.002", "01.003", "01.004", "02.007", "06.031", None, "", "99.999"]
QUALIFICATIONS = ["Đại học", "ThS. Quản lý công", "Tiến sĩ Kinh tế", "Cử nhân Luật", "12/12", "  ", None, "Kỹ sư"]
POLITICAL = ["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân chính trị", "Bồi dưỡng", None]
STATE = ["Chuyên viên", "Chuyên viên chính", "CVCC", "Cán sự", "Lớp ngắn hạn", None]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


async def _tree(session: AsyncSession) -> dict[str, OrgUnit]:
    """P with A and B under it; X under A until MOVED_ON, under B since; Y under A, dissolved on DISSOLVED_ON;
    Z under B with an empty period first; O outside P."""
    p = await make_unit(session, type="province")
    a, b = await make_unit(session, parent=p), await make_unit(session, parent=p)
    x, y = await make_unit(session, parent=b, type="sub_unit"), await make_unit(session, parent=a, type="sub_unit")
    z, o = await make_unit(session, parent=b, type="sub_unit"), await make_unit(session, type="province")

    def period(unit: OrgUnit, parent: OrgUnit, path: str, start: date, end: date | None) -> OrgUnitPeriod:
        return OrgUnitPeriod(org_unit_id=unit.id, name=unit.name, type=unit.type, parent_id=parent.id, path=path,
                             valid_from=start, valid_to=end, event="created")

    session.add_all([period(x, a, f"{a.path}{x.id.hex}/", date(2015, 1, 1), MOVED_ON),
                     period(x, b, x.path, MOVED_ON, None),
                     period(y, a, y.path, date(2015, 1, 1), DISSOLVED_ON),
                     period(z, b, z.path, date(2020, 1, 1), date(2020, 1, 1)),
                     period(z, b, z.path, date(2020, 1, 1), None)])
    await session.flush()
    return {"P": p, "A": a, "B": b, "X": x, "Y": y, "Z": z, "O": o}


def _stints(rng: random.Random, units: list[OrgUnit]) -> list[tuple[OrgUnit, date, date | None]]:
    """One to three assignments, one after another with gaps, touching or overlapping; the last may be open."""
    start, stints = _day(rng, date(2005, 1, 1), date(2026, 9, 1)), []
    for n in range(rng.randint(1, 3)):
        end = start + timedelta(days=rng.choice([30, 400, 2000, 5000]))
        last = n == 2 or rng.random() < 0.4
        stints.append((rng.choice(units), start, None if last and rng.random() < 0.7 else end))
        if last:
            break
        start = end + timedelta(days=rng.choice([-90, 0, 0, 1, 60]))
    return stints


def _items(rng: random.Random) -> dict[str, Any]:
    return {"rank_code": rng.choice(RANKS), "highest_qualification": rng.choice(QUALIFICATIONS),
            "ethnicity_code": rng.choice(["01", "01", "02", "09", None]),
            "first_recruited_on": rng.choice(DATES), "joined_agency_on": rng.choice(DATES),
            "party_joined_on": rng.choice(DATES)}


def _trainings(rng: random.Random, profile_id: Any) -> list[ProfileSectionRow]:
    rows = []
    for position in range(rng.choice([0, 0, 1, 2, 3])):
        section = rng.choice(["training-political", "training-state-management", "training-professional"])
        award = rng.choice(STATE if section == "training-state-management" else POLITICAL)
        data = {k: v for k, v in {"institution": "Học viện", "award": award, "from_date": rng.choice(DATES),
                                  "to_date": rng.choice(DATES)}.items() if v is not None}
        rows.append(ProfileSectionRow(profile_id=profile_id, section=section, position=position, data=data))
    return rows


async def _people(session: AsyncSession, rng: random.Random, units: dict[str, OrgUnit], count: int) -> None:
    choices = [units[k] for k in ("P", "A", "B", "X", "Y", "Z", "O")]
    for _ in range(count):
        stints = _stints(rng, choices) if rng.random() < 0.9 else []  # else: no rows, the current unit implied
        archived = rng.random() < 0.15
        at = datetime.combine(_day(rng, date(2005, 1, 1), date(2027, 6, 1)), datetime.min.time(), UTC)
        profile = await make_profile(
            session, unit=stints[-1][0] if stints else rng.choice(choices), items=_items(rng),
            birth_date=rng.choice([_day(rng, date(1960, 1, 1), date(2004, 1, 1)), date(1992, 2, 29), date(1996, 6, 30),
                                   date(1996, 7, 1)]),
            sex=rng.choice("MF"), category=rng.choice(["can_bo", "cong_chuc", "vien_chuc", "cap_xa"]),
            version=0 if rng.random() < 0.05 else 1, created_at=at,
            archived_at=at + timedelta(days=rng.randrange(1, 4000)) if archived else None,
            status="retired" if archived else "active")
        session.add_all(ProfileAssignment(profile_id=profile.id, org_unit_id=unit.id, valid_from=start, valid_to=end,
                                          reason="test") for unit, start, end in stints)
        session.add_all(_trainings(rng, profile.id))
    await session.flush()


async def _both(session: AsyncSession, unit: OrgUnit, day: date, period: tuple[date, date] | None, *,
                party: bool, principal: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    first, last = service.period(day, *(period or (None, None)))
    stats = await service.workforce(session, unit, service.Basis(day, first, last, CIPHER, party=party),
                                    principal=principal)
    new = {"total": stats.total, "by": stats.by, "recruited": stats.recruited, "departed": stats.departed}
    old = await oracle.workforce(session, unit.id, CIPHER, as_of=day, first=first, last=last, party=party,
                                 principal=principal)
    return new, old


class TestDatabaseCountsEqualThePerRecordCount:
    @pytest.mark.parametrize("seed", [17, 2026])
    async def test_on_varied_records(self, session: AsyncSession, seed: int) -> None:
        rng = random.Random(seed)
        units = await _tree(session)
        await _people(session, rng, units, 160)
        cases: list[tuple[OrgUnit, date, tuple[date, date] | None]] = [
            (units[code], day, None) for code in ("P", "A", "B", "X") for day in rng.sample(DAYS, 2)]
        cases += [(units["P"], date(2026, 6, 30), (date(2024, 6, 1), date(2026, 5, 31))),
                  (units["A"], MOVED_ON, (MOVED_ON, MOVED_ON)), (units["Y"], date(2020, 1, 1), None)]
        for n, (unit, day, period) in enumerate(cases):
            new, old = await _both(session, unit, day, period, party=n % 2 == 0)
            assert new == old, (unit.name, day, period)
        year, _ = await _both(session, units["P"], date(2026, 6, 30), None, party=True)
        assert year["total"] and year["departed"] and year["recruited"]  # the world has each of them
        before, old = await _both(session, units["P"], date(2000, 1, 1), None, party=True)  # before anyone came
        assert before == old and before["total"] == 0

    async def test_a_caller_confined_to_part_of_the_tree(self, session: AsyncSession) -> None:
        """An agency admin at A counts only units under A today: X, moved to B, no longer (Điều 21 khoản 2)."""
        units = await _tree(session)
        await _people(session, random.Random(5), units, 80)
        admin = await make_account(session, unit=units["A"], role="agency_admin")
        caller = principal_for(admin, units["A"])
        for day in (date(2025, 6, 30), date(2026, 6, 30)):
            new, old = await _both(session, units["A"], day, None, party=False, principal=caller)
            assert new == old and new["total"] > 0, day
