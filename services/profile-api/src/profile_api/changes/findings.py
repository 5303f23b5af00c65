"""What the Đúng–Đủ–Sạch–Sống rules would find in the record a proposal produces, judged before the
proposal is forwarded: the person sees it in the 202 answer, and the change request keeps it (without any
value of the person's, `hoso_shared.findings`) so the approver sees it before deciding (hanoi-2024 Điều 7).

The proposed record is the current one with the payload applied in memory, as `apply` will write it; the
context is the one every judging service builds (`hoso_shared.db.facts`): the record's change history plus
this proposal, duplicates anywhere in the province, its releases and acknowledgements, its latest
population-DB check (left out when the proposal changes what that check compared: it no longer describes
the record), the working-day calendar and the deadline policy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import findings, records
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import facts
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.validation import ChangeFact
from hoso_shared.validation.rules import evidence
from profile_api.profiles import service as profiles

END_OF_TIME = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Judged:
    shown: list[dict[str, Any]]  # for the proposer: full messages, errors first
    kept: list[dict[str, Any]]  # for the change request: codes, fields, non-personal parameters
    blocking: list[str]  # the error codes: approval will need an override reason


def proposed_record(before: records.Record, payload: dict[str, Any]) -> records.Record:
    """The record `payload` would produce, as `apply` writes it (items set or cleared, whole tables
    replaced, a lifecycle event's status and unit)."""
    items = {k: v for k, v in {**before["items"], **payload.get("items", {})}.items() if v is not None}
    record = {**before, "items": items, "sections": {**before["sections"], **payload.get("sections", {})}}
    if "status" in payload:
        record["status"] = payload["status"]
    if payload.get("org_unit_id"):
        record["org_unit_id"] = payload["org_unit_id"]
    return record


def _subject(profile_id: uuid.UUID, items: dict[str, Any], cipher: FieldCipher) -> facts.Subject:
    born = items.get("birth_date")
    return facts.Subject(profile_id, str(items.get("full_name") or ""),
                         date.fromisoformat(born) if isinstance(born, str) else date.min,
                         cipher.lookup_hash(str(items.get("citizen_id") or ""), field="citizen_id"))


async def judge_proposal(session: AsyncSession, profile: Profile, payload: dict[str, Any], *,
                         attachments: list[uuid.UUID], occurred_on: date | None, cipher: FieldCipher,
                         policy: DeadlinePolicy, today: date) -> Judged:
    record = proposed_record(await profiles.full_record(session, profile, cipher), payload)
    subject = _subject(profile.id, record["items"], cipher)
    known = await facts.load(session, [subject])
    touched = evidence.changed_names(payload)
    this = ChangeFact(occurred_on=occurred_on or today, entered_on=today, state="submitted",
                      needs_evidence=evidence.needs_evidence(touched), has_evidence=bool(attachments))
    context = known.context(subject, today=today, policy=policy, calendar=await load_calendar(session),
                            reviewed_at=profile.reviewed_at, extra_facts=[this],
                            identity_changed_at=END_OF_TIME if facts.IDENTITY & set(touched) else None)
    hits = findings.assess(record, context)
    order = findings.SEVERITY_ORDER
    shown = sorted((findings.shown(rule.finding(hit)) for rule, hit in hits), key=lambda f: order[f["severity"]])
    kept = findings.keep(findings.stored(rule, hit) for rule, hit in hits)
    return Judged(shown[:findings.MAX_STORED], kept, findings.blocking(kept))
