"""Creating accounts (hanoi-2024 Điều 9): personal accounts for the people of the caller's subtree, one or a list,
and agency accounts for its sub-units (DOHA: for any unit). profile-api decides who may create what where and makes
the initial password; the portal shows that password once, on the answer to the form, and keeps it nowhere (not in
the session, not in a redirect): whoever reloads gets the form's refusal, not the password again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from portal.accounts import forms, refusals
from portal.accounts.labels import offered_roles
from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc
from portal.people.units import Units, read_units
from portal.sessions import PortalSession

NO_SUCH_PERSON = N_("Không tìm thấy hồ sơ có số định danh cá nhân này trong phạm vi quản lý của bạn.")


@dataclass(frozen=True)
class Draft:
    """A creation form as sent (or as first shown, filled in from the person's record)."""

    kind: str = "person"
    username: str = ""
    display_name: str = ""
    org_unit_id: str = ""
    roles: tuple[str, ...] = ("officer",)
    profile_id: str = ""  # the person's record, when the form came from it
    profile_name: str = ""
    citizen_id: str = ""  # or the record found by the citizen ID typed


@dataclass
class Made:
    """One account asked for: made (with its password, shown once) or refused (with the reason)."""

    username: str
    display_name: str
    number: int = 0  # its line in a list
    account_id: str | None = None
    password: str | None = None
    reason: str | None = None


@dataclass
class Outcome:
    made: list[Made] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # field → message (the form is shown again)
    refusal: str | None = None  # the API's refusal no field answers
    status: int = 400


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return ""


async def own_unit(apis: Apis, person: PortalSession) -> str:
    """The caller's unit (their account's, as the token says)."""
    return str((await apis.json(person, "profile", "GET", "/api/v1/me"))["org_unit_id"])


async def form_units(apis: Apis, person: PortalSession, kind: str) -> tuple[Units, list[Any], str]:
    """(the subtree, the units the form offers, the caller's own unit): an agency admin's agency accounts go to the
    units below its own (Điều 9 khoản 2), DOHA's anywhere; a personal account anywhere in the subtree."""
    units, mine = await read_units(apis, person), await own_unit(apis, person)
    if kind == "agency" and "doha_admin" not in person.roles:
        return units, units.below(mine), mine
    return units, units.choices, mine


async def find_person(apis: Apis, person: PortalSession, citizen_id: str) -> dict[str, Any] | None:
    """The record with this citizen ID in the caller's subtree (profile-api matches it through its keyed hash)."""
    try:
        page = await apis.json(person, "profile", "GET", "/api/v1/profiles",
                               params={"citizen_id": citizen_id, "limit": 2})
    except ApiProblem:
        return None
    items: list[dict[str, Any]] = page["items"]
    return items[0] if len(items) == 1 else None


def check(draft: Draft, person: PortalSession, *, unit_required: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := forms.username_problem(draft.username):
        errors["username"] = problem
    if draft.kind == "person" and (problem := forms.name_problem(draft.display_name)):
        errors["display_name"] = problem
    if unit_required and not draft.org_unit_id:
        errors["org_unit_id"] = forms.NO_UNIT
    if not draft.roles or not set(draft.roles) <= set(offered_roles(person.roles, draft.kind)):
        errors["roles"] = forms.NO_ROLE
    if draft.citizen_id and not forms.CITIZEN_ID.fullmatch(draft.citizen_id):
        errors["citizen_id"] = forms.BAD_CITIZEN_ID
    return errors


def _body(draft: Draft) -> dict[str, Any]:
    body: dict[str, Any] = {"username": draft.username, "display_name": draft.display_name, "kind": draft.kind,
                            "roles": list(draft.roles), "org_unit_id": draft.org_unit_id}
    if draft.profile_id:
        body["profile_id"] = draft.profile_id
    return body


async def _post(apis: Apis, person: PortalSession, draft: Draft) -> Made:
    """POST /api/v1/accounts (raises the API's refusal): the account made, with its password."""
    answer = await apis.json(person, "profile", "POST", "/api/v1/accounts", json=_body(draft))
    return Made(draft.username, draft.display_name, account_id=str(answer["account"]["id"]),
                password=str(answer["initial_password"]))


async def post_account(apis: Apis, person: PortalSession, draft: Draft, number: int = 0) -> Made:
    """The account made, or the API's refusal in the reader's words (a list's line: the others go on)."""
    made = Made(draft.username, draft.display_name, number)
    try:
        made = await _post(apis, person, draft)
        made.number = number
    except ApiProblem as problem:
        made.reason = refusals.said(problem)
    return made


async def create_one(apis: Apis, person: PortalSession, draft: Draft, units: Units, mine: str) -> Outcome:
    """One personal or agency account; a person found by the citizen ID typed is linked to it (and its unit is
    theirs unless another is chosen)."""
    if not units.ordered:  # a delegate reads no tree: the account sits at their own unit (the API checks it)
        draft = replace(draft, org_unit_id=draft.org_unit_id or mine)
    errors = check(draft, person, unit_required=draft.kind == "agency" or not draft.citizen_id)
    if errors:
        return Outcome(errors=errors)
    if draft.citizen_id and not draft.profile_id:
        found = await find_person(apis, person, draft.citizen_id)
        if found is None:
            return Outcome(errors={"citizen_id": NO_SUCH_PERSON})
        draft = replace(draft, profile_id=str(found["id"]), org_unit_id=draft.org_unit_id or str(found["org_unit_id"]))
    if draft.kind == "agency" and not draft.display_name:
        draft = replace(draft, display_name=units.names.get(draft.org_unit_id, draft.username))
    try:
        made = await _post(apis, person, draft)
    except ApiProblem as problem:
        where = refusals.field_of(problem)
        if where == "profile" and not draft.profile_name:
            where = "citizen_id"
        if where:
            return Outcome(errors={where: refusals.said(problem)}, status=problem.status)
        return Outcome(refusal=refusals.said(problem), status=problem.status)
    return Outcome(made=[made], status=201)


def draft_of(kind: str, form: dict[str, Any]) -> Draft:
    """The form's fields as sent, normalised (NFC, trimmed; the username lower-cased as profile-api stores it)."""
    roles = form.get("roles") or []
    return Draft(kind=kind, username=forms.clean_username(str(form.get("username", ""))),
                 display_name=nfc(str(form.get("display_name", ""))).strip(),
                 org_unit_id=_uuid(str(form.get("org_unit_id", ""))),
                 roles=tuple(sorted({str(r) for r in roles})),
                 profile_id=_uuid(str(form.get("profile_id", ""))),
                 profile_name=nfc(str(form.get("profile_name", ""))).strip()[:200],
                 citizen_id=str(form.get("citizen_id", "")).replace(" ", "").strip())


async def _resolve(apis: Apis, person: PortalSession, lines: list[forms.Line],
                   default_unit: str) -> tuple[list[tuple[int, Draft]], list[tuple[int, str]]]:
    """Each line as the account to make: linked to the record its citizen ID finds (at that person's unit), or at
    the form's unit. Every line is checked before any account is made."""
    drafts: list[tuple[int, Draft]] = []
    problems: list[tuple[int, str]] = []
    for line in lines:
        draft = Draft(username=line.username, display_name=line.display_name, org_unit_id=default_unit,
                      roles=line.roles)
        if line.citizen_id:
            found = await find_person(apis, person, line.citizen_id)
            if found is None:
                problems.append((line.number, NO_SUCH_PERSON))
                continue
            draft = replace(draft, profile_id=str(found["id"]), org_unit_id=str(found["org_unit_id"]))
        elif not default_unit:
            problems.append((line.number, forms.NO_UNIT))
            continue
        drafts.append((line.number, draft))
    return drafts, problems


async def create_list(apis: Apis, person: PortalSession, parsed: forms.Parsed, default_unit: str) -> Outcome:
    """Personal accounts from a list: nothing is made while a line is wrong (the lines and their reasons are shown,
    to fix the list and send it again); then each line on its own, as profile-api answers it (a username taken
    meanwhile refuses that line alone)."""
    problems = list(parsed.problems)
    disallowed = [line.number for line in parsed.lines
                  if not set(line.roles) <= set(offered_roles(person.roles, "person"))]
    problems += [(n, forms.NO_ROLE) for n in disallowed]
    whole_list_wrong = any(number == 0 for number, _ in problems)  # every line is checked, unless none can be
    drafts, unresolved = await _resolve(apis, person, parsed.lines, default_unit) if not whole_list_wrong else ([], [])
    problems += unresolved
    if problems:
        return Outcome(errors={"danh_sach": N_("Danh sách có dòng cần sửa: chưa tạo tài khoản nào.")},
                       made=[Made("", "", number, reason=message) for number, message in sorted(problems)])
    made = [await post_account(apis, person, draft, number) for number, draft in drafts]
    return Outcome(made=made, status=201 if all(m.password for m in made) else 200)
