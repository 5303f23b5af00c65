"""A new grant (hanoi-2024 Điều 8 khoản 3: an officer reads beyond their own data when the managing authority agrees
in writing): the form's choices (the subtree's accounts and units, the levels the viewer may give), the people named
found by citizen ID or record id, the scanned decision uploaded on its own (`POST /api/v1/access-grants/decisions`,
on no one's record), then `POST /api/v1/access-grants` naming it; every refusal, the form's or profile-api's, said
beside its field. A scan already uploaded is kept (its id in the form) when the form is sent back to be corrected."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import UploadFile

from hoso_shared.form.levels import TOP_LEVEL, Level
from portal.access_grants import forms
from portal.access_grants.labels import LEVELS, refusal
from portal.access_grants.service import DECISIONS, GRANTS, subtree_accounts
from portal.api import ApiProblem, Apis
from portal.changes import evidence
from portal.i18n import N_
from portal.people.units import read_units
from portal.sessions import PortalSession

Message = tuple[str, dict[str, Any]]  # a msgid and its parameters, translated when shown
NOT_FOUND = N_("Không tìm thấy trong phạm vi quản lý của bạn: %(who)s.")


def clearance(person: PortalSession) -> int:
    """The highest level the viewer may give: the `clearance` claim of their own token when their account has one
    set (docs/access-levels.md), else their roles' default, the top for the admins who manage access. Only to offer
    choices: profile-api checks the grant against the verified token (403 `above-clearance`)."""
    try:
        payload = (person.token or "").split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return int(claims["clearance"]) if claims.get("clearance") is not None else int(TOP_LEVEL)
    except (IndexError, ValueError, TypeError, binascii.Error, KeyError):
        return int(TOP_LEVEL)


def offered_levels(person: PortalSession) -> list[int]:
    return [int(level) for level in Level if level <= clearance(person)]


async def form_page(apis: Apis, person: PortalSession) -> dict[str, Any]:
    """What the form offers. The accounts are asked first: a viewer who may not read them gets the 403 page."""
    accounts = await subtree_accounts(apis, person)
    units = await read_units(apis, person)
    levels = {n: LEVELS[Level(n)] for n in offered_levels(person)}
    return {"accounts": accounts, "units": units.choices, "levels": levels, "max_people": forms.MAX_PEOPLE}


@dataclass
class Outcome:
    done: bool = False
    errors: dict[str, Message] = field(default_factory=dict)
    decision_id: str | None = None  # the scan already uploaded, kept for the form sent again
    refusal: str | None = None  # profile-api's refusal of the whole grant (no field of the form)
    status: int = 400


async def _profiles(apis: Apis, person: PortalSession, params: dict[str, Any]) -> list[str]:
    body = await apis.json(person, "profile", "GET", "/api/v1/profiles", params=params)
    return [str(p["id"]) for p in body["items"]]


async def find_people(apis: Apis, person: PortalSession, typed: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(the records found, in the order typed; what was typed and not found in the viewer's subtree). A citizen ID
    is matched whole through profile-api's keyed hash, one read each; record ids in one read."""
    ids = [t for t in typed if not forms.CITIZEN_ID.fullmatch(t)]
    known = set(await _profiles(apis, person, {"ids": ids, "limit": len(ids)})) if ids else set()
    found: dict[str, str] = {t: t for t in ids if t in known}
    for citizen_id in (t for t in typed if forms.CITIZEN_ID.fullmatch(t)):
        hit = await _profiles(apis, person, {"citizen_id": citizen_id, "limit": 1})
        if hit:
            found[citizen_id] = hit[0]
    return list(dict.fromkeys(found[t] for t in typed if t in found)), [t for t in typed if t not in found]


async def send_decision(apis: Apis, person: PortalSession, upload: UploadFile, kind: str,
                        limit: int) -> tuple[str | None, Message | None]:
    """(the stored decision's id, or profile-api's refusal in words: the evidence scans' own) — the file streamed on
    as it was received."""
    try:
        stored = await apis.json(person, "profile", "POST", DECISIONS,
                                 files={"file": (upload.filename or "quyet-dinh", upload.file, kind)})
    except ApiProblem as problem:
        if problem.slug not in evidence.REFUSED:
            raise
        return None, (evidence.REFUSED[problem.slug], {"mb": evidence.megabytes(limit)})
    return str(stored["id"]), None


async def create(apis: Apis, person: PortalSession, form: dict[str, str], upload: UploadFile | None, today: date,
                 limit: int) -> Outcome:
    kept = forms.an_id(form.get("decision_id", ""))
    given = upload is not None and bool(upload.filename or upload.size)
    checked = forms.check(form, today, offered_levels(person), given or kept is not None)
    errors: dict[str, Message] = {k: (v, {}) for k, v in checked.errors.items()}
    kind: str | None = None
    if given and upload is not None:
        kind, wrong = await evidence.check(upload, limit)
        if wrong is not None:
            errors["file"] = wrong
    if errors or checked.grant is None:
        return Outcome(errors=errors, decision_id=kept)
    grant = checked.grant
    people, missing = await find_people(apis, person, grant.people) if grant.people else ([], [])
    if missing:
        return Outcome(errors={"target": (NOT_FOUND, {"who": ", ".join(missing)})}, decision_id=kept)
    if upload is not None and kind is not None:
        stored, wrong_file = await send_decision(apis, person, upload, kind, limit)
        if stored is None:
            return Outcome(errors={"file": wrong_file or (forms.NO_SCAN, {})})
        kept = stored
    try:
        await apis.call(person, "profile", "POST", GRANTS, json=grant.body(people or None, kept or ""))
    except ApiProblem as problem:
        where, said = refusal(problem)
        if where is None:
            return Outcome(refusal=said, decision_id=kept, status=problem.status)
        return Outcome(errors={where: (said, {})}, decision_id=kept, status=problem.status)
    return Outcome(done=True)
