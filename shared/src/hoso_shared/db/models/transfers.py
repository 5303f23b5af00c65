"""Written by profile-api. A person's move out of their agency, handed over as Điều 12 of QĐ 6187/QĐ-UBND wires it.

- `between_agencies` (khoản 1 điểm a): the sending agency proposes the move with its decision; the receiving
  agency accepts it (the record, its history and the person's account move to it in that transaction) or
  refuses it with a reason; the sender may cancel it first. One open proposal per person.
- `to_central_body` (khoản 2.1 điểm b): an approved move out of the province to a body of the national
  database is reported to DOHA, who hands the data over nationally and records the reference.

The decision (số, ngày, cơ quan ban hành) is an official act, not personal data; the person's values are never
copied here (names are read from the record).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, CheckConstraint, ForeignKey, Index, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, Timestamps, UUIDKey

KINDS = ("between_agencies", "to_central_body")
STATES = ("proposed", "accepted", "refused", "cancelled", "reported", "handed_over")
OPEN = ("proposed", "reported")  # waiting for the receiver, or for DOHA's national hand-over


class Transfer(UUIDKey, Timestamps, Base):
    __tablename__ = "transfers"

    kind: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id"), index=True)
    from_org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    to_org_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    destination: Mapped[str | None] = mapped_column(Text)  # the central body, by name
    effective_on: Mapped[date]
    decision_number: Mapped[str] = mapped_column(Text)
    decision_issued_on: Mapped[date]
    decision_issuer: Mapped[str] = mapped_column(Text)
    attachment_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), server_default=text("'{}'"))
    comment: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None]
    # A refusal's reason, or the reference of DOHA's national hand-over.
    note: Mapped[str | None] = mapped_column(Text)
    # The placed unit (the receiver may place the person in a unit under the one proposed).
    placed_org_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the approved move out (to_central_body)

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind"),
        CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in STATES) + ")", name="state"),
        CheckConstraint("(kind = 'between_agencies') = (to_org_unit_id IS NOT NULL)", name="receiver"),
        CheckConstraint("(kind = 'to_central_body') = (destination IS NOT NULL)", name="destination"),
        CheckConstraint("(decided_at IS NULL) = (state IN ('proposed', 'reported'))", name="decided"),
        CheckConstraint("state <> 'refused' OR length(btrim(note)) > 0", name="refusal_reason"),
        Index("ix_transfers_one_open", "profile_id", unique=True, postgresql_where=text("state = 'proposed'")),
        Index("ix_transfers_to_state", "to_org_unit_id", "state"),
        Index("ix_transfers_from_state", "from_org_unit_id", "state"),
    )
