"""Creating and reading profiles, always through the caller's subtree (an officer: their own record).
Sensitive items and tables are decrypted only for roles that need them, and each such read is audited."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records as record
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher, mask_citizen_id
from hoso_shared.db.models import Profile, ProfileAssignment
from hoso_shared.form import SECTION_LEVELS, SECTIONS, SENSITIVE_ITEMS, SENSITIVE_SECTIONS, access
from hoso_shared.form.legacy import LegacyRecordError, from_legacy
from hoso_shared.form.levels import SENSITIVE_LEVEL
from hoso_shared.problems import Forbidden, ValidationFailed
from profile_api.access import reach
from profile_api.audit import service as audit
from profile_api.changes.errors import ProfileArchived
from profile_api.profiles import lent, queries, versions
from profile_api.profiles.errors import (
    CitizenIdTaken,
    InvalidCursor,
    InvalidSection,
    LegacyNotMappable,
    LevelWithheld,
    OrgUnitNotFound,
    ProfileNotFound,
)
from profile_api.profiles.schemas import (
    LegacyImport,
    PendingChange,
    ProfileCreate,
    ProfileFilter,
    ProfileRead,
    RecordChecked,
)

READ_ALL, READ_SELF, WRITE, SENSITIVE = "profiles:read", "profiles:read:self", "profiles:write", "profiles:sensitive"
DECIDE = "change-requests:decide"
INCOMING = "profiles:incoming"  # the gateway hands over people pulled from the national database


def self_only(principal: Principal) -> bool:
    if principal.has_scopes(READ_ALL):
        return False
    if principal.has_scopes(READ_SELF) and principal.profile_id is not None:
        return True
    raise Forbidden("The token lacks a scope to read profiles.", missing_scopes=[READ_ALL])


def sees_pending(principal: Principal) -> bool:
    """A pending new record (hanoi-2024 Điều 7) is seen by its agency's HR, its approvers and the gateway that
    hands it over (reads are already their subtree); an officer and plain readers see approved records only."""
    return any(principal.has_scopes(s) for s in (WRITE, DECIDE, INCOMING))


def hidden(principal: Principal, profile: Profile) -> bool:
    """A pending record is hidden from those who do not see pending ones; one archived at version 0 (its create
    request rejected or withdrawn, changes.pending) from everyone: it never entered the database, it is kept
    only for the trail."""
    return profile.version == 0 and (profile.archived_at is not None or not sees_pending(principal))


async def load_visible(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                       lock: bool = False) -> Profile:
    profile = await queries.visible_profile(session, principal, profile_id, self_only=self_only(principal), lock=lock)
    if profile is None or hidden(principal, profile):
        raise ProfileNotFound()  # not 403: do not confirm that someone else's record exists
    return profile


async def full_record(session: AsyncSession, profile: Profile, cipher: FieldCipher) -> record.Record:
    rows = await queries.section_rows(session, profile.id)
    return record.snapshot(profile, record.read_items(profile, cipher, sensitive=True),
                           record.read_sections(rows, cipher, sensitive=True))


async def lent_reader(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                      today: date | None) -> Principal | None:
    """The sight an approval delegation lends the caller over this record (`lent`), asked only after their own reach
    missed it, so a plain read costs no extra query; reads only, given `today`."""
    return await lent.lent_principal(session, principal, profile_id, today) if today is not None else None


async def load_readable(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                        today: date | None) -> tuple[Profile, Principal]:
    """`load_visible` for reads: the record and who reads it (the caller, or their lent sight)."""
    try:
        return await load_visible(session, principal, profile_id), principal
    except ProfileNotFound:
        lent_to = await lent_reader(session, principal, profile_id, today)
        if lent_to is None:
            raise
        return await load_visible(session, lent_to, profile_id), lent_to


async def load_for_reading(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                           today: date) -> tuple[Profile, Principal, int]:
    """`load_readable`, then what a written grant opens beyond it (Điều 8 khoản 3): the record, who reads it and
    the level they read it at (`access.reach`). Refused as `load_readable` refuses when no grant covers it."""
    try:
        profile, reader = await load_readable(session, principal, profile_id, today)
    except (ProfileNotFound, Forbidden):
        level = await reach.grant_level(session, principal, profile_id, today)
        if level is None:
            raise
        reader = reach.granted_reader(principal, level)
        return await load_visible(session, reader, profile_id), reader, level
    return profile, reader, await reach.level_within_reach(session, reader, profile.id, today)


async def get_profile(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                      cipher: FieldCipher, today: date) -> ProfileRead:
    try:
        only_self: bool | None = self_only(principal)
    except Forbidden:
        only_self = None  # no scope to read profiles: only a written grant may still open this one
    bundle = None if only_self is None else await queries.visible_profile_bundle(
        session, principal, profile_id, self_only=only_self)
    if bundle is None and (lent_to := await lent_reader(session, principal, profile_id, today)) is not None:
        principal = lent_to
        bundle = await queries.visible_profile_bundle(session, principal, profile_id, self_only=False)
    level = None
    if bundle is None and (level := await reach.grant_level(session, principal, profile_id, today)) is not None:
        principal = reach.granted_reader(principal, level)
        bundle = await queries.visible_profile_bundle(session, principal, profile_id, self_only=False)
    if bundle is None and only_self is None:
        raise Forbidden("The token lacks a scope to read profiles.", missing_scopes=[READ_ALL])
    if bundle is None or hidden(principal, bundle[0]):
        raise ProfileNotFound()  # not 403: do not confirm that someone else's record exists
    profile, rows, open_changes = bundle
    if level is None:
        level = await reach.level_within_reach(session, principal, profile.id, today)
    sensitive = level >= SENSITIVE_LEVEL
    items = access.mask_items(record.read_items(profile, cipher, sensitive=sensitive), level)
    sections = access.mask_sections(record.read_section_values(
        [(r["id"], r["section"], r["position"], r["data"], base64.b64decode(r["enc"]) if r["enc"] else None,
          r["key_id"]) for r in rows], cipher, sensitive=sensitive), level)
    citizen_id = items.get("citizen_id") or cipher.decrypt(profile.citizen_id_enc, profile.key_id, field="citizen_id")
    if sensitive:
        read = sorted(k for k in items if k in SENSITIVE_ITEMS) + sorted(s for s in sections if s in SENSITIVE_SECTIONS)
        await audit.record(session, principal, "read_sensitive", "profile", profile.id, fields=read)
    pending = [PendingChange(id=c["id"], state=c["state"], base_version=c["base_version"], created_at=c["created_at"],
                             changed=sorted({*c["outline"]["items"], *c["outline"]["sections"]}))
               for c in open_changes]
    return ProfileRead(id=profile.id, org_unit_id=profile.org_unit_id, category=profile.category,
                       status=profile.status, version=profile.version, pending=profile.version == 0,
                       archived=profile.archived_at is not None, incoming_on=profile.incoming_on,
                       citizen_id_masked=mask_citizen_id(citizen_id), items=items, sections=sections,
                       sensitive_included=sensitive, level=level, withheld=access.withheld(level),
                       pending_changes=pending, reviewed_at=profile.reviewed_at, sources=profile.item_sources)


async def check_own_record(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                           now: datetime) -> RecordChecked:
    """The person confirms they have checked their own record (hanoi-2024 Điều 12 khoản 1 điểm b, Điều 16
    khoản 2): `reviewed_at`, which the Sống rules read (SONG-REVIEW-001/002), and an audit entry. Nobody
    confirms it for them; the record itself (and its version) does not change."""
    profile = await load_visible(session, principal, profile_id, lock=True)
    if principal.profile_id != profile.id:
        raise Forbidden("Chỉ chính người có hồ sơ xác nhận đã kiểm tra hồ sơ của mình. Only the person confirms "
                        "they have checked their own record.")
    if profile.archived_at is not None:
        raise ProfileArchived()
    before = profile.reviewed_at
    profile.reviewed_at = now
    await audit.record(session, principal, "check_own_record", "profile", profile.id,
                       before={"reviewed_at": before.isoformat() if before else None},
                       after={"reviewed_at": now.isoformat()}, fields=["reviewed_at"])
    return RecordChecked(profile_id=profile.id, reviewed_at=now)


def validate_sections(sections: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    clean: dict[str, list[dict[str, Any]]] = {}
    for name, rows in sections.items():
        if name not in SECTIONS:
            raise InvalidSection(f"Unknown table {name!r}.", known=sorted(SECTIONS))
        model = SECTIONS[name][1]
        try:
            clean[name] = [{**({"id": r["id"]} if r.get("id") else {}),
                            **model.model_validate({k: v for k, v in r.items() if k != "id"})
                            .model_dump(mode="json", exclude_none=True)} for r in rows]
        except ValidationError as exc:
            raise InvalidSection(f"A row of {name!r} is not valid.",
                                 errors=exc.errors(include_url=False, include_context=False)) from None
    return clean


async def _may_create_in(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID, *,
                         incoming: bool = False) -> None:
    """Authorised before anything of the record is read: the scope, then the unit inside the caller's subtree."""
    if not principal.has_scopes(WRITE) and not (incoming and principal.has_scopes(INCOMING)):
        raise Forbidden("The token lacks the scope to create profiles.", missing_scopes=[WRITE])
    path = await queries.unit_path(session, org_unit_id)
    if path is None or not principal.covers(path):
        raise OrgUnitNotFound()


async def create_profile(session: AsyncSession, principal: Principal, data: ProfileCreate, cipher: FieldCipher, *,
                         today: date) -> Profile:
    await _may_create_in(session, principal, data.org_unit_id, incoming=data.incoming_on is not None)
    items = data.items.model_dump(mode="json")
    sources = _sources(data, items, today)
    if await queries.citizen_id_taken(session, cipher.lookup_hash(items["citizen_id"], field="citizen_id")):
        raise CitizenIdTaken()
    sections = validate_sections(data.sections)
    # Pending (hanoi-2024 Điều 7: new data is approved too): version 0, no version row, no outbox row, until
    # its `create` change request is approved and applied (profile_api.changes.create, changes.apply).
    profile = Profile(id=uuid.uuid4(), org_unit_id=data.org_unit_id, category=data.category, status=data.status,
                      version=0, incoming_on=data.incoming_on, data={}, created_by=principal.subject,
                      item_sources=sources)
    record.apply_items(profile, items, cipher)
    await queries.add_profile(session, profile, ProfileAssignment(
        profile_id=profile.id, org_unit_id=data.org_unit_id, valid_from=data.incoming_on or today, reason="created"))
    rows = record.section_rows(profile.id, sections, cipher)
    await queries.replace_sections(session, profile.id, rows)
    snapshot = record.snapshot(profile, items, record.read_sections(rows, cipher, sensitive=True))
    await session.flush()
    await audit.record(session, principal, "create", "profile", profile.id, after=snapshot)
    return profile


def _sources(data: ProfileCreate, items: dict[str, Any], today: date) -> dict[str, Any]:
    """The register's items as stated by the caller: each must be an item of the record, given by the register
    no later than today."""
    missing = sorted(k for k in data.sources if items.get(k) in (None, "", {}))
    if missing:
        raise ValidationFailed(f"Mục {', '.join(missing)} được ghi là lấy từ CSDL dân cư nhưng không có trong hồ sơ. "
                               f"These items are said to come from the register but are not in the record.",
                               items=missing)
    late = sorted(k for k, s in data.sources.items() if s.looked_up_on > today)
    if late:
        raise ValidationFailed("Ngày lấy từ CSDL dân cư không thể sau hôm nay. The day the register gave an item "
                               "cannot be after today.", items=late)
    return {k: s.model_dump(mode="json") for k, s in sorted(data.sources.items())}


def encode_cursor(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None


def _summary(row: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """Rows come straight from our own typed columns (the ProfileSummary shape): no re-validation."""
    data = row.pop("data", None)
    row["fields"] = {k: row[k] if k in row else (data or {}).get(k) for k in fields} if fields else None
    return row


async def list_profiles(session: AsyncSession, principal: Principal, flt: ProfileFilter, *, cursor: str | None,
                        limit: int, fields: list[str] | None = None) -> dict[str, Any]:
    """A page in the ProfilePage shape, as plain data (the hot path: built once, dumped once)."""
    only_self = self_only(principal)
    within = None
    if flt.org_unit_id is not None:
        within = await queries.unit_path(session, flt.org_unit_id)
        if within is None or not principal.covers(within):
            return {"items": [], "next_cursor": None}
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.list_visible_profiles(session, principal, flt, self_only=only_self, after=after,
                                               limit=limit + 1, within_path=within, with_data=bool(fields),
                                               with_pending=sees_pending(principal))
    items = [_summary(row, fields) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None
    return {"items": items, "next_cursor": next_cursor}


async def get_section(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, section: str,
                      cipher: FieldCipher, today: date) -> list[dict[str, Any]]:
    if section not in SECTIONS:
        raise InvalidSection(f"Unknown table {section!r}.", known=sorted(SECTIONS))
    profile, principal, level = await load_for_reading(session, principal, profile_id, today)
    if not access.section_visible(section, level):
        raise LevelWithheld(f"Bảng này ở mức hạn chế tiếp cận {SECTION_LEVELS[section]}, cao hơn mức bạn được "
                            f"đọc ({level}). — This table is above your clearance.",
                            level=SECTION_LEVELS[section], clearance=level)
    sensitive = section in SENSITIVE_SECTIONS
    rows = record.read_sections(await queries.section_rows(session, profile.id), cipher, sensitive=True)[section]
    if sensitive:
        await audit.record(session, principal, "read_sensitive", "profile", profile.id, fields=[section])
    return rows


async def import_legacy(session: AsyncSession, principal: Principal, body: LegacyImport, cipher: FieldCipher, *,
                        today: date) -> Profile:
    await _may_create_in(session, principal, body.org_unit_id)  # before the record is parsed (Điều 8)
    try:
        items, sections = from_legacy(body.form, body.record, citizen_id=body.citizen_id)
        data = ProfileCreate.model_validate({"org_unit_id": body.org_unit_id, "category": body.category,
                                             "items": items, "sections": sections})
    except (LegacyRecordError, ValidationError) as exc:
        errors = exc.errors(include_url=False, include_context=False) if isinstance(exc, ValidationError) else []
        raise LegacyNotMappable(str(exc) if not errors else None, errors=errors) from None
    return await create_profile(session, principal, data, cipher, today=today)


async def record_reassignment(session: AsyncSession, principal: Principal, profile_ids: list[uuid.UUID],
                              cipher: FieldCipher, *, reason: str) -> None:
    """People moved by a restructuring get a new version each (their unit is part of the record), and
    so an outbox row: the national side learns of the move with the next sync like of any change."""
    for profile in await queries.lock_profiles(session, profile_ids):
        if profile.version == 0:
            continue  # pending (Điều 7): its create request's approval writes version 1 in its new unit
        snapshot = await full_record(session, profile, cipher)
        profile.version += 1
        await versions.write_version(session, profile, snapshot, cipher, reason=reason, changed=["org_unit_id"],
                                     change_request_id=None, actor_id=principal.subject)
