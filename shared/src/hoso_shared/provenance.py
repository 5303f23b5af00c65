"""Where a record's item came from, when it did not come from the person or HR typing it: today the national
population register, which exists to verify *and fill in* personal information (QĐ MIC 2021 on the connection to
the population DB). sync-gateway's citizen lookup says it per item; profile-api keeps it on the record
(`profiles.item_sources`) until an approved change replaces the item."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REGISTER: Literal["population_register"] = "population_register"
# The items the register fills in (sync_gateway.citizens.lookup): only these can be marked as from it.
REGISTER_ITEMS = ("full_name", "sex", "birth_date", "birth_place", "home_town", "residence", "ethnicity_code",
                  "religion_code")


class ItemSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["population_register"] = Field(description="Where the item's value came from: "
                                                               "`population_register`, the national population DB")
    looked_up_on: date = Field(description="The day (Asia/Ho_Chi_Minh) the register gave the value")


def kept_after(sources: dict[str, dict[str, str]], before: dict[str, object],
               changed: dict[str, object]) -> dict[str, dict[str, str]]:
    """The sources still true once `changed` items are written over `before`: an item given another value is
    no longer the register's."""
    return {k: v for k, v in sources.items() if k not in changed or changed[k] == before.get(k)}
