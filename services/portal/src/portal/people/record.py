"""One person's record as HR reads it: part 1's sơ yếu lý lịch (portal.my_record, the same layout and formatting),
without the officer's own actions (proposing a change, confirming the check: the person's alone), with where the
person works, the record's data-quality verdict and the way to their account."""

from __future__ import annotations

from typing import Any

from portal.accounts.links import new_account_link
from portal.api import ApiProblem, Apis
from portal.my_record import service as my_record
from portal.my_record.display import CATEGORIES, STATUSES, Show
from portal.people.quality import quality_panel
from portal.people.units import read_units
from portal.sessions import PortalSession


async def _quality(apis: Apis, person: PortalSession, profile_id: str) -> dict[str, Any] | None:
    try:
        report: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}/quality")
    except ApiProblem:
        return None
    return report


async def record_page(apis: Apis, person: PortalSession, profile_id: str) -> dict[str, Any]:
    found = await my_record.read_record(apis, person, profile_id)
    page = my_record.record_page(found, Show(person.lang))
    units = await read_units(apis, person)
    unit_id = str(found["org_unit_id"])
    return {**page, "editable": False, "categories": CATEGORIES, "statuses": STATUSES,
            "unit": units.names.get(unit_id, ""),
            "quality": quality_panel(await _quality(apis, person, profile_id), person.lang),
            "new_account": new_account_link(profile_id, page["full_name"], unit_id)
            if "accounts:create" in person.scopes and not found["archived"] else None}
