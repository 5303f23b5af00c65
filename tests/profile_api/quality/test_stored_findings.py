"""Judge once, sum many times (issue 17): each record's verdict is stored, marked stale by PostgreSQL when anything
it depends on changes, judged again in the background, and scorecards and snapshots are sums of the stored
verdicts. The Đúng–Đủ–Sạch–Sống criteria are the regulation's (hanoi-2024 Điều 3; Điều 19 khoản 5: DOHA checks
the data is correct, complete, clean and live)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from prometheus_client import CollectorRegistry
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import (
    ChangeRequest,
    CitizenCheck,
    Profile,
    ProfileFindings,
    ProfileSectionRow,
    WorkingDayOverride,
)
from hoso_shared.deadlines import HANOI_2024
from profile_api.quality import scoring, stored, tasks
from profile_api.quality.metrics import QualityGauges
from profile_api.quality.scoring import Basis, Verdict
from tests.factories import CIPHER, make_account
from tests.profile_api.quality.helpers import BORN, Province, defective_id, person, province, unit

DAY = date(2026, 3, 2)
BASIS = Basis(today=DAY, policy=HANOI_2024, cipher=CIPHER)


async def _fresh(session: AsyncSession, within: str) -> dict[uuid.UUID, Verdict]:
    """Every kept record under `within` judged now, the way scorecards judged before verdicts were stored."""
    found = {}
    async for page in scoring.judge_subtree(session, BASIS, within=within):
        found |= {j.profile_id: Verdict.of(j.report) for j in page}
    return found


async def _stored(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, ProfileFindings]:
    rows = await session.execute(select(ProfileFindings).where(ProfileFindings.profile_id.in_(ids))
                                 .execution_options(populate_existing=True))
    return {f.profile_id: f for f in rows.scalars()}


def _same(row: ProfileFindings, verdict: Verdict) -> bool:
    passes = {c.name for c in verdict.passes}
    return (row.stale_at is None and row.judged_on == DAY and row.blocking == verdict.blocking
            and {"DUNG": row.passing_dung, "DU": row.passing_du, "SACH": row.passing_sach,
                 "SONG": row.passing_song} == {c: c in passes for c in ("DUNG", "DU", "SACH", "SONG")}
            and (row.errors, row.warnings) == (verdict.errors, verdict.warnings)
            and row.codes == dict(verdict.findings))


async def _assert_stored_equal_fresh(session: AsyncSession, root: str) -> int:
    fresh = await _fresh(session, root)
    rows = await _stored(session, set(fresh))
    wrong = [pid for pid, verdict in fresh.items() if not _same(rows[pid], verdict)]
    assert not wrong, f"{len(wrong)} of {len(fresh)} stored verdicts differ from a fresh judgement"
    return len(fresh)


async def _random_edit(session: AsyncSession, rng: random.Random, people: list[Profile], units: list[Any],
                       requester: Any) -> None:
    """One change a record's verdict may depend on, picked at random."""
    target = rng.choice(people)
    match rng.randrange(8):
        case 0:  # renamed: its verdict and its namesakes' may change
            await session.execute(update(type(target)).where(type(target).id == target.id)
                                  .values(full_name=f"Trần Văn {rng.randrange(5)}"))
        case 1:  # another birth date: the duplicates born that day change
            await session.execute(update(type(target)).where(type(target).id == target.id)
                                  .values(birth_date=BORN + timedelta(days=rng.randrange(5))))
        case 2:  # a change request: the Sống rules read it
            session.add(ChangeRequest(profile_id=target.id, org_unit_id=target.org_unit_id, base_version=1,
                                      requested_by=requester.id, state="submitted",
                                      payload={"items": {"phone": "0912345678"}},
                                      occurred_on=DAY - timedelta(days=rng.randrange(60))))
        case 3:  # the population DB contradicts it
            session.add(CitizenCheck(profile_id=target.id, result="mismatch", mismatched=["full_name"],
                                     checked_at=datetime(2026, 2, 1, tzinfo=UTC)))
        case 4:  # a new record born the same day as another
            people.append(await person(session, rng.choice(units), birth_date=target.birth_date,
                                       full_name=target.full_name))
        case 5:  # archived: no longer counted
            await session.execute(update(type(target)).where(type(target).id == target.id)
                                  .values(archived_at=datetime(2026, 1, 1, tzinfo=UTC)))
        case 6:  # a table row
            session.add(ProfileSectionRow(profile_id=target.id, section="work-history", position=9,
                                          data={"from_date": "2020-01-01", "unit": "X", "title": "Y"}))
        case 7:  # a citizen ID that contradicts the birth year and sex (DUNG-CCCD-003)
            record = await session.get(Profile, target.id)
            assert record is not None
            records.apply_items(record, {**records.read_items(record, CIPHER, sensitive=True),
                                         "citizen_id": defective_id()}, CIPHER)


class TestStoredEqualFresh:
    async def test_after_random_edits_context_changes_and_a_rule_set_bump(
            self, session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
        rng = random.Random(17)
        root = await unit(session, type="province")
        units = [await unit(session, parent=root) for _ in range(4)]
        people = [await person(session, rng.choice(units), defective=rng.random() < 0.3) for _ in range(240)]
        requester = await make_account(session, unit=root, role="agency_admin")
        session.add(WorkingDayOverride(day=DAY - timedelta(days=3), kind="holiday", note="nghỉ bù"))
        await session.flush()  # the calendar moves every deadline: every verdict is judged again
        assert (await stored.settle(session, BASIS, within=root.path)).pending == 0
        for _ in range(120):
            await _random_edit(session, rng, people, units, requester)
            await session.flush()
            if rng.random() < 0.2:  # settled now and then, as the background judge would
                await stored.settle(session, BASIS, within=root.path, limit=rng.randrange(1, 60))
        await stored.settle(session, BASIS, within=root.path)
        assert await _assert_stored_equal_fresh(session, root.path) > 200
        # A new rule set (any change to the engine's sources): every verdict is outdated and judged again.
        stored._rules_digest.cache_clear()
        monkeypatch.setattr(stored, "_rules_digest", lambda: "another rule set")
        settled = await stored.settle(session, BASIS, within=root.path)
        assert settled.judged == len(await _fresh(session, root.path)) and settled.pending == 0
        await _assert_stored_equal_fresh(session, root.path)


class TestStale:
    @pytest.mark.parametrize("touch", ["profile", "section", "change", "check", "calendar", "born_same_day"])
    async def test_what_a_verdict_depends_on_marks_it_stale(self, session: AsyncSession, touch: str) -> None:
        root = await unit(session, type="province")
        target, other = await person(session, root), await person(session, root)
        await stored.settle(session, BASIS, within=root.path)
        assert all(f.stale_at is None for f in (await _stored(session, {target.id, other.id})).values())
        match touch:
            case "profile":
                await session.execute(update(type(target)).where(type(target).id == target.id)
                                      .values(reviewed_at=datetime(2026, 2, 2, tzinfo=UTC)))
            case "section":
                session.add(ProfileSectionRow(profile_id=target.id, section="awards", position=0, data={}))
            case "change":
                account = await make_account(session, unit=root)
                session.add(ChangeRequest(profile_id=target.id, org_unit_id=root.id, base_version=1,
                                          requested_by=account.id, payload={"items": {}}))
            case "check":
                session.add(CitizenCheck(profile_id=target.id, result="match", mismatched=[]))
            case "calendar":
                session.add(WorkingDayOverride(day=DAY, kind="holiday", note="x"))
            case "born_same_day":
                await person(session, root, birth_date=target.birth_date)
        await session.flush()
        found = await _stored(session, {target.id, other.id})
        assert found[target.id].stale_at is not None
        # Only what depends on it: another record is marked by the calendar alone (it moves every deadline).
        assert (found[other.id].stale_at is not None) == (touch == "calendar")

    async def test_a_change_while_it_is_judged_is_not_lost(self, session: AsyncSession,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
        root = await unit(session, type="province")
        target = await person(session, root)
        judge = stored.judge

        async def judged_then_touched(page: stored.Page) -> Any:
            result = await judge(page)
            await session.execute(update(type(target)).where(type(target).id == target.id)
                                  .values(full_name="Lê Thị Mới"))
            return result

        monkeypatch.setattr(stored, "judge", judged_then_touched)
        settled = await stored.settle(session, BASIS, within=root.path)
        # The verdict judged before the rename is not written: the record stays stale for the next run.
        assert settled.judged == 0 and settled.pending == 1
        monkeypatch.setattr(stored, "judge", judge)
        assert (await stored.settle(session, BASIS, within=root.path)).judged == 1


class TestScorecard:
    async def test_equals_a_count_by_hand_of_each_records_own_report(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        world: Province = await province(session, token_issuer)
        auth = world.auth["doha_admin"]
        card = (await profile_api.get(f"/api/v1/quality/scorecards/{world.p.id}", headers=auth,
                                      params={"worst": 50})).json()
        people = [*world.people["a1"], *world.people["a2"], *world.people["b"]]
        reports = [(await profile_api.get(f"/api/v1/profiles/{p.id}/quality", headers=auth)).json() for p in people]
        assert card["records"] == len(people) and card["pending"] == 0
        assert card["blocking"] == sum(r["blocking"] for r in reports)
        for share in card["criteria"]:
            assert share["passing"] == sum(
                next(c["passed"] for c in r["criteria"] if c["criterion"] == share["criterion"]) for r in reports)
        by_hand: dict[str, list[int]] = {}
        for r in reports:
            for code in {f["code"] for f in r["findings"]}:
                counted = by_hand.setdefault(code, [0, 0])
                counted[0] += 1
                counted[1] += sum(f["code"] == code for f in r["findings"])
        assert {r["code"]: [r["records"], r["findings"]] for r in card["rules"]} == by_hand
        worst = [r for r in reports if r["errors"] + r["warnings"]]
        assert len(card["worst"]) == len(worst)

    async def test_a_large_backlog_is_counted_as_pending_not_judged_in_the_request(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer,
            monkeypatch: pytest.MonkeyPatch) -> None:
        from profile_api.quality import service

        world = await province(session, token_issuer)
        monkeypatch.setattr(service, "INLINE_JUDGED", 2)
        card = (await profile_api.get(f"/api/v1/quality/scorecards/{world.p.id}",
                                      headers=world.auth["doha_admin"])).json()
        assert card["pending"] == 4 and card["records"] == 2  # six kept records, two judged so far


class TestBackgroundJudge:
    async def test_judges_the_backlog_and_a_new_day_judges_every_record_again(
            self, session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        root = await unit(session, type="province")
        people = [await person(session, root, defective=i % 2 == 0) for i in range(7)]
        today = [datetime(2026, 3, 2, 3, tzinfo=UTC)]
        quality = tasks.Quality(sessionmaker, CIPHER, HANOI_2024, QualityGauges(CollectorRegistry()),
                                clock=lambda: today[0])
        judge = tasks.Judge(quality)
        assert await tasks.judge_backlog(judge) >= len(people)
        assert quality.gauges.pending._value.get() == 0  # type: ignore[attr-defined]
        rows = await _stored(session, {p.id for p in people})
        assert {f.judged_on for f in rows.values()} == {DAY}
        assert await tasks.judge_backlog(judge) == 0  # idle: nothing to do
        today[0] += timedelta(days=1)
        assert await tasks.judge_backlog(judge) >= len(people)
        assert {f.judged_on for f in (await _stored(session, {p.id for p in people})).values()} == {
            DAY + timedelta(days=1)}
        # What sums them: one statement over the stored rows, whatever the number of records.
        count = (await session.execute(text("SELECT count(*) FROM profile_findings WHERE stale_at IS NULL"))).scalar()
        assert count is not None and count >= len(people)
