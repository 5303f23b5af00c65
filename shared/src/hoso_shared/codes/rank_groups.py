"""Loại công chức (rank groups) A3, A2, A1, A0, B, C (DOMAIN §5.1–5.2), from the salary scale each
rank is recorded with in `RANKS`. A scale's group is the part before the "nhóm": A3.1 and A3.2 are
both A3, C1–C3 are C. Kept as data beside the scales so a new scale is one line here."""

from __future__ import annotations

from hoso_shared.codes.ranks import RANKS

# Highest first, the order reports list them in. Chuyên gia cao cấp (CG) is a scale above A3 with no
# rank code of its own in the table yet; it is its own group so it is never counted as A3.
GROUPS: tuple[str, ...] = ("CG", "A3", "A2", "A1", "A0", "B", "C")
MAIN_GROUPS: tuple[str, ...] = GROUPS[1:]  # the loại every report shows, even at zero

GROUP_OF_SCALE: dict[str, str] = {
    "CG": "CG",
    "A3.1": "A3", "A3.2": "A3",
    "A2.1": "A2", "A2.2": "A2",
    "A1": "A1",
    "A0": "A0",
    "B": "B",
    "C1": "C", "C2": "C", "C3": "C",
}


def rank_group(rank_code: str) -> str | None:
    """The loại of a rank code (01.003 → A1), or None for a code the rank table does not know."""
    entry = RANKS.get(rank_code)
    return GROUP_OF_SCALE.get(entry.extra["scale"]) if entry else None
