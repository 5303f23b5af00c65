"""Filling in a new person's form from the population register (QĐ MIC 2021 on the connection to the population
DB: its purpose is "tự động hoá việc xác minh, điền thông tin cá nhân"): the register's answer as the items of our
form (TT 06/2023 keys), each marked as coming from the register on the day it answered.

Asked only by someone who may create records in the unit named (`service.may_pull_into`), before the register is
called, so the route is no oracle of who exists for anyone else."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hoso_shared.problems import NotFound
from hoso_shared.provenance import REGISTER, ItemSource
from hoso_shared.time import local_day
from sync_gateway.citizens.national import call
from sync_gateway.runtime import Runtime

# The register's places → our form's `Place` (its own keys; an empty part is left out).
PLACE_PARTS = ("commune", "district", "province", "detail")


class LookupRequest(BaseModel):
    citizen_id: str = Field(pattern=r"^\d{12}$", description="The 12-digit personal ID (số định danh cá nhân)")
    org_unit_id: uuid.UUID = Field(description="The unit the person is to be created in: the caller must be allowed "
                                               "to create records there (profiles:write, inside their subtree)")


class CitizenLookup(BaseModel):
    citizen_id: str = Field(description="The personal ID looked up")
    looked_up_at: datetime = Field(description="When the register answered (UTC)")
    items: dict[str, Any] = Field(description="Form items (keys of `ProfileItems`: full_name, sex, birth_date, "
                                              "birth_place, home_town, ethnicity_code, religion_code, residence)")
    sources: dict[str, ItemSource] = Field(description="Per item in `items`: its source and the day it was given")
    labels: dict[str, str] = Field(description="The register's names of coded items (ethnicity, religion), by item")


class NotInPopulationDb(NotFound):
    slug, title = "not-in-population-db", "The population database has no person with that citizen ID"


def _place(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    place = {k: str(value[k]) for k in PLACE_PARTS if value.get(k)}
    return place or None


def as_items(answer: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The register's answer as our form's items, and the names of the coded ones."""
    items: dict[str, Any] = {"full_name": answer.get("full_name"), "sex": answer.get("sex"),
                             "birth_date": answer.get("birth_date")}
    for key in ("birth_place", "home_town", "residence"):
        items[key] = _place(answer.get(key))
    labels: dict[str, str] = {}
    for key, ours in (("ethnicity", "ethnicity_code"), ("religion", "religion_code")):
        coded = answer.get(key)
        if isinstance(coded, dict) and coded.get("code"):
            items[ours], labels[ours] = str(coded["code"]), str(coded.get("name") or "")
    return {k: v for k, v in items.items() if v}, labels


async def look_up(runtime: Runtime, body: LookupRequest) -> CitizenLookup:
    # POSTed, and asked of the register by path: the ID stays out of our own access logs.
    response = await call(runtime.transport, runtime.breaker, runtime.policy, "GET",
                          f"/population/v1/citizens/{body.citizen_id}")
    if response.status_code == 404:
        raise NotInPopulationDb()
    at = runtime.clock()
    items, labels = as_items(response.json())
    on = ItemSource(source=REGISTER, looked_up_on=local_day(at))
    return CitizenLookup(citizen_id=body.citizen_id, looked_up_at=at, items=items,
                         sources=dict.fromkeys(items, on), labels=labels)
