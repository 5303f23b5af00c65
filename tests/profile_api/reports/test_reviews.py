"""The quarterly review: generated per unit, signed and submitted by the unit's own approver only (never
unsigned, never by DOHA), flagged late after the 25th of the quarter's last month; DOHA sees who did."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.demo import citizen_id
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, ChangeRequest, OrgUnit, OutboxRow, Profile
from hoso_shared.deadlines import HANOI_2024, PRESETS
from hoso_shared.signing import generate_dev_identity, load_identity
from hoso_shared.time import ZONE as VN
from hoso_shared.time import FixedClock
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators
from profile_api.reports.reviews import signing
from profile_api.reports.reviews.quarters import Quarter, deadline, is_late
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

PAST = "2026-Q3"  # whatever today is (the suite runs after it), its deadline has passed
NAMES = ("Trần Văn Bình", "Lê Thị Hoa")
BIRTHS = (date(1979, 4, 2), date(1990, 11, 30))
CITIZEN_IDS = tuple(citizen_id(random.Random(11), born, "F", set()) for born in BIRTHS)


@dataclass
class World:
    p: OrgUnit
    a: OrgUnit
    b: OrgUnit
    c: OrgUnit  # no agency account: its parent reviews for it
    people: list[Profile]
    accounts: dict[str, Account] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)


async def _change(session: AsyncSession, profile: Profile, by: Account, state: str, submitted: datetime) -> None:
    session.add(ChangeRequest(id=uuid.uuid4(), profile_id=profile.id, org_unit_id=profile.org_unit_id,
                              base_version=1, state=state, payload={"items": {"phone": "0900000000"}},
                              requested_by=by.id, submitted_at=submitted if state != "draft" else None))
    await session.flush()


async def world(session: AsyncSession, issuer: TokenIssuer) -> World:
    """P (DOHA's accounts) ⊃ A (agency account, approver, officer) ⊃ C (none); P ⊃ B (agency account)."""
    p = await make_unit(session, type="province")
    a, b = await make_unit(session, parent=p), await make_unit(session, parent=p)
    c = await make_unit(session, parent=a, type="sub_unit")
    people = [await make_profile(session, unit=unit, full_name=name, birth_date=born, citizen_id=cid, sex="F")
              for unit, name, born, cid in zip((a, c), NAMES, BIRTHS, CITIZEN_IDS, strict=True)]
    w = World(p, a, b, c, people)
    for name, unit, role, kind in (
            ("doha_admin", p, "doha_admin", "person"), ("doha_approver", p, "approver", "person"),
            ("agency_a", a, "agency_admin", "agency"), ("approver_a", a, "approver", "person"),
            ("officer_a", a, "officer", "person"), ("agency_b", b, "agency_admin", "agency"),
            ("approver_b", b, "approver", "person")):
        account = await make_account(session, unit=unit, role=role, kind=kind,
                                     profile=people[0] if name == "officer_a" else None)
        w.accounts[name] = account
        w.auth[name] = bearer(issuer, principal_for(account, unit))
    now = datetime.now(UTC)
    await _change(session, people[0], w.accounts["officer_a"], "submitted", now - timedelta(days=70))
    await _change(session, people[1], w.accounts["agency_a"], "submitted", now - timedelta(days=1))
    await _change(session, people[1], w.accounts["agency_a"], "draft", now)
    session.add(OutboxRow(profile_id=people[0].id, profile_version=1, org_unit_id=a.id, payload={"kind": "created"}))
    await session.flush()
    return w


async def _draft(api: AsyncClient, w: World, *, unit: OrgUnit | None = None, quarter: str = PAST,
                 as_: str = "agency_a") -> Any:
    return await api.post("/api/v1/reports/reviews", headers=w.auth[as_],
                          json={"org_unit_id": str((unit or w.a).id), "quarter": quarter})


async def _submit(api: AsyncClient, w: World, review: dict[str, Any], as_: str = "approver_a",
                  body: Any = None) -> Any:
    return await api.post(f"/api/v1/reports/reviews/{review['id']}/submit", headers=w.auth[as_],
                          json={"content_hash": review["content_hash"]} if body is None else body)


class TestCreateReview:
    async def test_the_draft_holds_quality_sync_requests_and_overdue_items(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        response = await _draft(profile_api, w, quarter=str(Quarter.containing(datetime.now(VN).date())))
        assert response.status_code == 201, response.text
        review = response.json()
        assert (review["state"], review["signature"], review["signed_by"]) == ("draft", None, None)
        assert review["late"] is False
        content = review["content"]
        assert review["content_hash"] == signing.content_hash(content)
        assert content["org_unit"]["code"] == w.a.code and content["schema"] == "hoso-quarterly-review/1"
        assert [c["criterion"] for c in content["quality"]["criteria"]] == ["Đúng", "Đủ", "Sạch", "Sống"]
        assert content["quality"]["records"] == 2  # A's and its sub-unit C's
        assert content["sync"]["total"] == 2 and content["sync"]["changed"] == 1
        requests = content["change_requests"]
        assert requests["outstanding"] == 3
        assert {s: v["count"] for s, v in requests["by_state"].items()} == {"draft": 1, "submitted": 2}
        assert requests["oldest"]["state"] == "submitted"
        assert content["overdue"]["change_requests"] >= 1  # the one submitted 70 days ago, whatever the policy
        assert content["deadline"].endswith("-25")
        for secret in (*NAMES, *(b.isoformat() for b in BIRTHS), *CITIZEN_IDS):
            assert secret not in response.text

    async def test_regenerates_the_draft_and_refuses_bad_requests(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        first = (await _draft(profile_api, w)).json()
        again = (await _draft(profile_api, w, as_="doha_admin")).json()  # DOHA may prepare one to look at
        assert again["id"] == first["id"] and again["content"]["generated_at"] >= first["content"]["generated_at"]
        assert (await _draft(profile_api, w, unit=w.c)).status_code == 422  # no agency account
        assert (await _draft(profile_api, w, quarter="2026-Q5")).status_code == 422
        assert (await _draft(profile_api, w, quarter="2999-Q1")).status_code == 422  # not begun
        assert (await _draft(profile_api, w, unit=w.b)).status_code == 404  # a sibling's unit
        assert (await _draft(profile_api, w, as_="officer_a")).status_code == 403
        # Another subtree's reader learns nothing of the review, not even that it exists.
        other = await profile_api.get(f"/api/v1/reports/reviews/{first['id']}", headers=w.auth["approver_b"])
        assert other.status_code == 404 and w.a.code not in other.text

    async def test_regenerated_at_the_same_instant(self, session: AsyncSession, client_for: Any,
                                                   token_issuer: TokenIssuer) -> None:
        """A draft made again within the same clock reading answers like the first (the fuzz test once saw a 500
        here: `updated_at` left to be loaded lazily, outside the async session, after the flush)."""
        api = await client_for("profile-api", wiring={"clock": FixedClock(datetime(2026, 11, 2, 3, tzinfo=UTC))})
        w = await world(session, token_issuer)
        first, again = await _draft(api, w, as_="doha_admin"), await _draft(api, w, as_="doha_admin")
        assert (first.status_code, again.status_code) == (201, 201), again.text
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["updated_at"] == first.json()["updated_at"]


class TestSubmitReview:
    async def test_cannot_be_submitted_unsigned(self, session: AsyncSession, profile_api: AsyncClient,
                                                token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        review = (await _draft(profile_api, w)).json()
        for body in ({}, {"content_hash": ""}, {"content_hash": "0" * 63}):
            assert (await _submit(profile_api, w, review, body=body)).status_code == 422
        changed = await _submit(profile_api, w, review, body={"content_hash": "0" * 64})
        assert changed.status_code == 409 and "review-content-changed" in changed.json()["type"]
        stored = await profile_api.get(f"/api/v1/reports/reviews/{review['id']}", headers=w.auth["agency_a"])
        assert stored.json()["state"] == "draft"
        # The table itself refuses a submitted review without a signature and a signer.
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await session.execute(text("UPDATE quarterly_reviews SET state = 'submitted', submitted_at = now() "
                                           "WHERE id = :id"), {"id": review["id"]})

    async def test_only_the_units_own_approver_may_submit(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        review = (await _draft(profile_api, w)).json()
        for who in ("agency_a", "doha_admin", "doha_approver", "officer_a"):
            refused = await _submit(profile_api, w, review, as_=who)
            assert refused.status_code == 403, who
        assert (await _submit(profile_api, w, review, as_="approver_b")).status_code == 404  # not their subtree
        disabled = w.accounts["approver_a"]
        disabled.disabled_at = datetime.now(UTC)
        await session.flush()
        assert (await _submit(profile_api, w, review)).status_code == 403  # the table says so, not only the token
        disabled.disabled_at = None
        await session.flush()
        assert (await _submit(profile_api, w, review)).status_code == 200

    async def test_the_server_signs_for_the_approver_once(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        review = (await _draft(profile_api, w)).json()
        response = await _submit(profile_api, w, review)
        assert response.status_code == 200, response.text
        done = response.json()
        approver = w.accounts["approver_a"]
        assert (done["state"], done["signed_by"], done["late"]) == ("submitted", str(approver.id), True)
        assert done["signed_at"] and done["submitted_at"] and done["content_hash"] == review["content_hash"]
        roots = collaborators_of(profile_api.app, Collaborators).export_identity().roots
        checked = await signing.verify(done["content"], done["signature"], roots)
        assert checked.valid, checked.problems
        assert checked.signed_by is not None and checked.signed_by.person is not None
        assert (checked.signed_by.person["account_id"], checked.signed_by.person["username"]) == (
            str(approver.id), approver.username)
        assert checked.reason is not None and PAST in checked.reason and w.a.code in checked.reason
        assert done["signature"].count(".") == 2 and ".." in done["signature"]
        tampered = await signing.verify({**done["content"], "quarter": "2026-Q2"}, done["signature"], roots)
        assert not tampered.valid
        # Anyone checks it as a signed JSON export, with the public check.
        public = await profile_api.post("/api/v1/reports/verify", content=json.dumps(
            {**done["content"], "signature": done["signature"]}), headers={"content-type": "application/json"})
        assert public.status_code == 200 and public.json()["valid"] is True, public.text
        assert (await _submit(profile_api, w, review)).status_code == 409  # already submitted
        assert (await _draft(profile_api, w)).status_code == 409  # and no new draft of that quarter

    async def test_late_only_after_the_deadline_day_in_vietnam(self, session: AsyncSession,
                                                               token_issuer: TokenIssuer) -> None:
        from profile_api.reports.reviews import service
        from profile_api.reports.reviews.schemas import ReviewCreate, ReviewSubmit
        from tests.factories import CIPHER

        w = await world(session, token_issuer)
        pem = generate_dev_identity()
        env = service.ReviewContext(policy=HANOI_2024, cipher=CIPHER,
                                    identity=load_identity(pem.key, pem.cert, pem.chain))
        prepare = principal_for(w.accounts["agency_a"], w.a)
        sign = principal_for(w.accounts["approver_a"], w.a)
        on_time = datetime(2026, 9, 25, 23, 30, tzinfo=VN).astimezone(UTC)
        review = await service.create_review(session, prepare, ReviewCreate(org_unit_id=w.a.id, quarter=PAST), env,
                                             on_time - timedelta(hours=2))
        done = await service.submit_review(session, sign, review.id, ReviewSubmit(content_hash=review.content_hash),
                                           env, on_time)
        assert done.state == "submitted" and done.late is False

        late_b = datetime(2026, 9, 26, 0, 30, tzinfo=VN).astimezone(UTC)  # still the 25th in UTC
        b_review = await service.create_review(session, principal_for(w.accounts["agency_b"], w.b),
                                               ReviewCreate(org_unit_id=w.b.id, quarter=PAST), env, late_b)
        signed = await service.submit_review(session, principal_for(w.accounts["approver_b"], w.b), b_review.id,
                                             ReviewSubmit(content_hash=b_review.content_hash), env, late_b)
        assert signed.late is True and signed.content["deadline"] == "2026-09-25"


class TestListReviews:
    async def test_doha_sees_who_submitted_and_who_not(self, session: AsyncSession, profile_api: AsyncClient,
                                                       token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        review = (await _draft(profile_api, w)).json()
        assert (await _submit(profile_api, w, review)).status_code == 200
        await _draft(profile_api, w, unit=w.b, as_="agency_b")  # B drafted, never submitted
        response = await profile_api.get("/api/v1/reports/reviews", params={"quarter": PAST},
                                         headers=w.auth["doha_admin"])
        assert response.status_code == 200, response.text
        roster = response.json()
        units = {u["org_unit_code"]: u for u in roster["units"]}
        assert set(units) == {w.a.code, w.b.code}  # C has no agency account; P neither
        assert (roster["deadline"], roster["late"], roster["not_submitted"], roster["submitted"]) == (
            "2026-09-25", 1, 1, 0)
        assert units[w.a.code]["status"] == "late" and units[w.a.code]["review_id"] == review["id"]
        assert units[w.a.code]["signed_by_name"] == w.accounts["approver_a"].display_name
        assert (units[w.b.code]["status"], units[w.b.code]["overdue"], units[w.b.code]["drafted"]) == (
            "not_submitted", True, True)

    async def test_a_unit_sees_only_its_subtree_and_officers_nothing(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        mine = await profile_api.get("/api/v1/reports/reviews", params={"quarter": PAST}, headers=w.auth["agency_a"])
        assert [u["org_unit_code"] for u in mine.json()["units"]] == [w.a.code]
        for who in ("officer_a", "approver_a"):  # no reports:read
            assert (await profile_api.get("/api/v1/reports/reviews", params={"quarter": PAST},
                                          headers=w.auth[who])).status_code == 403
        bad = await profile_api.get("/api/v1/reports/reviews", params={"quarter": "Q3-2026"},
                                    headers=w.auth["doha_admin"])
        assert bad.status_code == 422


class TestDeadline:
    @pytest.mark.parametrize(("quarter", "due"), [("2026-Q1", date(2026, 3, 25)), ("2026-Q2", date(2026, 6, 25)),
                                                  ("2026-Q3", date(2026, 9, 25)), ("2026-Q4", date(2026, 12, 25))])
    def test_the_25th_of_the_last_month_before_31_december(self, quarter: str, due: date) -> None:
        for policy in PRESETS.values():
            assert deadline(Quarter.parse(quarter), policy) == due
        assert due < date(due.year, 12, 31)

    def test_quarters(self) -> None:
        q4 = Quarter.parse("2026-Q4")
        assert (q4.first_day, q4.last_day, str(q4)) == (date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")
        assert q4.ends_at == datetime(2027, 1, 1, tzinfo=VN).astimezone(UTC)
        assert Quarter.containing(date(2026, 11, 23)) == q4
        assert not is_late(q4, HANOI_2024, datetime(2026, 12, 25, 16, 59, tzinfo=UTC))  # 23:59 in Hà Nội
        assert is_late(q4, HANOI_2024, datetime(2026, 12, 25, 17, 0, tzinfo=UTC))
        with pytest.raises(ValueError, match="not a quarter"):
            Quarter.parse("2026-Q0")
