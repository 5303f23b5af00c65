from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# The most one verify call checks: measured 7.9 s for 100,000 on a loaded 2-core machine (bench.audit), read
# 1,000 at a time (each page hands the event loop back), so a call never stalls a replica for long.
VERIFY_MAX = 100_000
# The most one CSV export holds: narrow the filters (a time range) for more.
CSV_MAX = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked for; every field optional, all of them must hold."""

    profile_id: uuid.UUID | None = None
    actor: str | None = None
    actions: tuple[str, ...] = ()
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int = Field(description="The entry's number in the table (insertion order)")
    at: datetime = Field(description="When the act was recorded (UTC)")
    actor: str = Field(description="Who acted: `username:account-id`, or `system` for the services' own work")
    actor_roles: list[str] | None = Field(description="The acting account's roles today (not necessarily then); "
                                                      "null for `system` or an account that is gone")
    actor_unit_id: uuid.UUID | None = Field(description="The acting account's unit today; null as above")
    actor_unit_name: str | None = Field(description="That unit's name; null as above")
    action: str = Field(description="What was done: `read_sensitive`, `create`, `apply_change_request`, "
                                    "`account.create`, `org_unit.move`, `export.syll.pdf` …")
    entity: str = Field(description="What it was done to: `profile`, `attachment`, `transfer`, `account`, "
                                    "`org_unit`, `import_job`, `quarterly_review`, `working_day_override` …")
    entity_id: str = Field(description="Its id (a record's id for `profile`)")
    fields: list[str] = Field(description="The items, tables or columns read or written (names only, never values)")
    before_digest: str | None = Field(description="SHA-256 of the canonical JSON before a write; null for reads")
    after_digest: str | None = Field(description="SHA-256 of the canonical JSON after a write; null for reads")
    seq: int | None = Field(description="Its place in the hash chain; null until the sealer (every second) chains "
                                        "it")
    prev_hash: str | None = Field(description="The previous entry's hash (hex); null until sealed")
    hash: str | None = Field(description="SHA-256 (hex) over the entry, its `seq` and `prev_hash`; null until "
                                         "sealed")


class AuditPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AuditEntryRead] = Field(description="Newest first (by `at`, then `id`)")
    next_cursor: str | None = Field(description="Pass back as `cursor` (with the same filters) for the next page; "
                                                "null on the last page")


class ChainCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_seq: int = Field(description="The first entry checked")
    to_seq: int = Field(description="The last entry the range asked for (at most `from_seq` + 99,999)")
    checked: int = Field(description="How many sealed entries were found intact, from `from_seq` on")
    intact: bool = Field(description="True when no entry of the range is altered, removed or out of order")
    first_bad_seq: int | None = Field(description="The first broken entry's `seq`; null when intact")
    first_bad_id: int | None = Field(description="The first broken entry's `id`; null when intact")
    reason: str | None = Field(description="What is wrong with it, Vietnamese then English (as the CLI says it); "
                                           "null when intact")
    unsealed: int = Field(description="Entries not chained yet (the sealer chains them within seconds)")


class RecordRead(BaseModel):
    """One read of the sensitive parts of the caller's own record."""

    model_config = ConfigDict(extra="forbid")

    at: datetime = Field(description="When it was read (UTC)")
    parts: list[str] = Field(description="Which sensitive items and tables were shown (e.g. `citizen_id`, "
                                         "`family`)")
    by_you: bool = Field(description="True when you read it yourself")
    reader_roles: list[str] = Field(description="The reader's roles (today): `agency_admin`, `approver`, "
                                                "`doha_admin` …; `system` for the services' own work. Never the "
                                                "reader's name")
    reader_unit_name: str | None = Field(description="The reader's unit (today); null for the system or an account "
                                                     "that is gone")


class RecordReadPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile_id: uuid.UUID = Field(description="Your record")
    items: list[RecordRead] = Field(description="Newest first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")
