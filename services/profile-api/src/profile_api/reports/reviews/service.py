"""The quarterly review (DOMAIN "decisions": on the 25th of each quarter's last month, the year's last
before 31 December, with a signed report).

Who does what:
- Prepare (generate or regenerate the draft): a `reports:read` or `quality:read` holder whose subtree
  holds the unit (the unit's agency admin or approver, or DOHA preparing it for a look).
- Sign and submit: only the unit's own **approver** — a person's account (not the shared agency account,
  not a client) with the `approver` role, sitting at that very unit. The review is the unit leadership's
  statement, and a signature must name the person who answers for it, so the agency account (an
  organisation's login) cannot sign; DOHA's accounts sit at the root unit, so DOHA never signs for a
  unit. The server signs on the signer's behalf (detached JWS by the province's signing identity, the
  signer's identity in the header: `signing`) and only the content whose hash the signer sends back; a
  review is never submitted unsigned (the table refuses it too).
- Read who submitted: `reports:read` holders, over their subtree (DOHA: every unit).
- Export a submitted review (whoever may read it): as JSON, the stored content with the stored detached
  JWS (the signed exports' format, nothing signed anew); as PDF, rendered and signed PAdES by the province
  on behalf of the person exporting it, printing who signed at submission."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import cursors
from hoso_shared.auth import Principal, Role
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Account, OrgUnit, QuarterlyReview
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import local_day
from profile_api.audit import service as audit
from profile_api.profiles.service import decode_cursor, encode_cursor
from profile_api.reports.exports import service as exports
from profile_api.reports.exports.signer import Signer
from profile_api.reports.reviews import content, queries, signing
from profile_api.reports.reviews.errors import (
    InvalidQuarter,
    OrgUnitNotFound,
    ReviewAlreadySubmitted,
    ReviewContentChanged,
    ReviewNotFound,
    ReviewNotSubmitted,
    ReviewsForbidden,
    SignerNotAuthorised,
    UnitDoesNotReview,
)
from profile_api.reports.reviews.pdf import render_review
from profile_api.reports.reviews.quarters import Quarter, deadline, is_late
from profile_api.reports.reviews.schemas import (
    PastReview,
    PastReviews,
    ReviewCreate,
    ReviewSubmit,
    Roster,
    RosterEntry,
)

PREPARE_SCOPES = ("reports:read", "quality:read")


@dataclass(frozen=True)
class ReviewContext:
    """What the reviews need from the app: the deadline policy, the field cipher (the quality part judges
    whole records) and the province's signing identity (the signed exports')."""

    policy: DeadlinePolicy
    cipher: FieldCipher
    identity: SigningIdentity


def _quarter(text: str, now: datetime) -> Quarter:
    try:
        quarter = Quarter.parse(text)
    except ValueError as exc:
        raise InvalidQuarter(str(exc)) from exc
    if quarter.first_day > local_day(now):
        raise InvalidQuarter(f"{quarter} has not begun.")
    return quarter


def _may_prepare(principal: Principal) -> None:
    if not any(principal.has_scopes(s) for s in PREPARE_SCOPES):
        raise ReviewsForbidden(missing_scopes=[PREPARE_SCOPES[0]])


async def _visible_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID) -> OrgUnit:
    unit = await queries.unit(session, unit_id)
    if unit is None or not principal.covers(unit.path):
        raise OrgUnitNotFound()  # 404, never 403: no leak
    return unit


async def create_review(session: AsyncSession, principal: Principal, data: ReviewCreate, env: ReviewContext,
                        now: datetime) -> QuarterlyReview:
    """The unit's draft of the quarter, generated now (an existing draft is regenerated in place)."""
    _may_prepare(principal)
    quarter = _quarter(data.quarter, now)
    unit = await _visible_unit(session, principal, data.org_unit_id)
    if not await queries.has_agency_account(session, unit.id):
        raise UnitDoesNotReview()
    existing = await queries.reviews_of(session, unit.id, str(quarter))
    if any(r.state == "submitted" for r in existing):
        raise ReviewAlreadySubmitted()
    body = await content.build(session, principal, unit, quarter, policy=env.policy, cipher=env.cipher, now=now)
    review = existing[0] if existing else None
    if review is None:
        review = QuarterlyReview(id=uuid.uuid4(), org_unit_id=unit.id, quarter=str(quarter), state="draft",
                                 created_by=principal.subject, created_at=now, late=False)
        queries.add(session, review)
    review.content, review.content_hash = body, signing.content_hash(body)
    review.updated_at = now
    await queries.flush(session)
    return review


async def _authorised_signer(session: AsyncSession, principal: Principal, unit: OrgUnit) -> Account:
    """The unit's own approver, as the accounts table says now (not only the token)."""
    refused = SignerNotAuthorised("Sign and submit with the account of the unit's approver.")
    if (principal.client_id is not None or Role.approver.value not in principal.roles
            or Role.doha_admin.value in principal.roles or principal.org_unit_id != unit.id):
        raise refused
    account = await queries.account(session, principal.subject)
    if (account is None or account.kind != "person" or account.disabled_at is not None
            or account.org_unit_id != unit.id or Role.approver.value not in account.roles
            or Role.doha_admin.value in account.roles):
        raise refused
    return account


async def submit_review(session: AsyncSession, principal: Principal, review_id: uuid.UUID, data: ReviewSubmit,
                        env: ReviewContext, now: datetime) -> QuarterlyReview:
    review = await queries.review(session, review_id, lock=True)
    unit = await queries.unit(session, review.org_unit_id) if review is not None else None
    if review is None or unit is None or not principal.covers(unit.path):
        raise ReviewNotFound()
    signer = await _authorised_signer(session, principal, unit)
    if review.state == "submitted" or any(r.state == "submitted" and r.id != review.id
                                          for r in await queries.reviews_of(session, unit.id, review.quarter)):
        raise ReviewAlreadySubmitted()
    if data.content_hash != review.content_hash or signing.content_hash(review.content) != review.content_hash:
        raise ReviewContentChanged()
    signed_at = now.replace(microsecond=0)  # as the signature's header states it
    review.signature = signing.sign(env.identity, review.content, signer=signer, unit_code=unit.code,
                                    unit_name=unit.name, quarter=review.quarter, at=signed_at)
    review.state, review.signed_by, review.signed_at, review.submitted_at = "submitted", signer.id, signed_at, now
    review.late = is_late(Quarter.parse(review.quarter), env.policy, now)
    review.updated_at = now
    await audit.record(session, principal, "review.submit", "quarterly_review", review.id,
                       after={"content_hash": review.content_hash, "late": review.late})
    await queries.flush(session)
    return review


async def get_review(session: AsyncSession, principal: Principal, review_id: uuid.UUID) -> QuarterlyReview:
    review = await queries.review(session, review_id)
    unit = await queries.unit(session, review.org_unit_id) if review is not None else None
    if review is None or unit is None or not principal.covers(unit.path):
        raise ReviewNotFound()
    _may_prepare(principal)
    return review


async def _submitted(session: AsyncSession, principal: Principal, review_id: uuid.UUID) -> QuarterlyReview:
    review = await get_review(session, principal, review_id)
    if review.state != "submitted" or review.signature is None:
        raise ReviewNotSubmitted()  # 409: a draft is not signed, so it is no original
    return review


async def export_review_json(session: AsyncSession, principal: Principal,
                             review_id: uuid.UUID) -> tuple[QuarterlyReview, dict[str, Any]]:
    """The content as signed at submission, its detached JWS in `signature` (docs/exports.md)."""
    review = await _submitted(session, principal, review_id)
    return review, {**review.content, signing.SIGNATURE: review.signature}


def pdf_purpose(review: QuarterlyReview) -> str:
    unit = review.content["org_unit"]
    return f"{signing.purpose(review.quarter, unit['code'], unit['name'])} (bản PDF), có giá trị như bản gốc"


async def export_review_pdf(session: AsyncSession, principal: Principal, review_id: uuid.UUID,
                            identity: SigningIdentity) -> tuple[QuarterlyReview, bytes]:
    """The review as a PDF signed (PAdES) by the province on behalf of the caller; audited."""
    review = await _submitted(session, principal, review_id)
    signer = await exports.signer_for(session, principal, identity, pdf_purpose(review))
    await audit.record(session, principal, "export.review.pdf", "quarterly_review", review.id)
    return review, await render_signed(review, signer)


async def render_signed(review: QuarterlyReview, signer: Signer) -> bytes:
    """The review's PDF, signed for `signer` (the person who asked, or the system for the CLI)."""
    approver = signing.signed_person(review.signature or "")
    unsigned = await asyncio.to_thread(render_review, review, approver, signer)  # font subsetting is CPU work
    return await exports.sign_pdf(unsigned, signer)


def _entry(row: tuple[object, ...], overdue_now: bool) -> RosterEntry:
    unit_id, code, name, review_id, submitted_at, late, signer, drafted = row
    status = "not_submitted" if review_id is None else "late" if late else "submitted"
    return RosterEntry.model_validate({
        "org_unit_id": unit_id, "org_unit_code": code, "org_unit_name": name, "status": status,
        "overdue": review_id is None and overdue_now, "drafted": bool(drafted), "review_id": review_id,
        "submitted_at": submitted_at, "signed_by_name": signer})


async def list_reviews(session: AsyncSession, principal: Principal, quarter_text: str, policy: DeadlinePolicy,
                       now: datetime, *, status: str | None = None, unit_id: uuid.UUID | None = None,
                       cursor: str | None = None, limit: int | None = None) -> Roster:
    """A page of the units that must review (an agency account sits there) in the caller's subtree, and where
    each one's review of the quarter stands (`limit` None: all of them, for the CLI's export); the counts are the
    whole quarter's."""
    quarter = _quarter(quarter_text, now)
    due = deadline(quarter, policy)
    after = decode_cursor(cursor) if cursor else None
    path, name = principal.org_path, str(quarter)
    rows = await queries.roster(session, path, name, quarter.first_day, status=status, unit_id=unit_id, after=after,
                                limit=None if limit is None else limit + 1)
    counts = await queries.roster_counts(session, path, name, quarter.first_day)
    overdue_now = is_late(quarter, policy, now)
    units = [_entry(tuple(row), overdue_now) for row in rows[:limit]]
    more = encode_cursor(units[-1].org_unit_id) if limit is not None and len(rows) > limit else None
    return Roster(quarter=name, policy=policy.name, deadline=due, submitted=counts.get("submitted", 0),
                  late=counts.get("late", 0), not_submitted=counts.get("not_submitted", 0), units=units,
                  next_cursor=more)


async def list_past_reviews(session: AsyncSession, principal: Principal, unit_id: uuid.UUID, *,
                            cursor: str | None, limit: int) -> PastReviews:
    """The unit's submitted reviews a page at a time, for whoever may prepare its review (the unit's approver
    included, who has no `reports:read` for the roster): the scope first, then the unit in the caller's subtree
    (404 otherwise)."""
    _may_prepare(principal)
    after = cursors.decode(cursor) if cursor else None
    unit = await _visible_unit(session, principal, unit_id)
    rows = await queries.submitted_of(session, unit.id, after=after, limit=limit + 1)
    items = [PastReview(review_id=r.id, quarter=r.quarter, signed_at=r.signed_at, submitted_at=r.submitted_at,
                        late=r.late, signed_by_name=r.display_name, pdf_link=f"/api/v1/reports/reviews/{r.id}.pdf")
             for r in rows[:limit]]
    return PastReviews(org_unit_id=unit.id, items=items,
                       next_cursor=cursors.following(rows, limit, lambda r: (r.submitted_at, r.id)))
