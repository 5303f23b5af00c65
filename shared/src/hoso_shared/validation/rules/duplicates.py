"""Sạch: one person, one e-dossier (NĐ 27/2026: the 12-digit personal ID identifies it). The service
looks up possible duplicates (the same ID, or the same birth date) and passes them in
`Context.candidates`; these rules judge them.

- The same personal ID in another profile is an error: the ID is the dossier's identifier.
- The same person by name, birth date and birth place is a suspicion (warning): names are compared
  normalised and case-folded with rapidfuzz's token-sort ratio (word order ignored, "Văn An Nguyễn"
  matches "Nguyễn Văn An"), ≥ 90; birth dates must be equal; birth places must agree (token-set ratio
  ≥ 90, so "Hà Nội" agrees with "Phường Ba Đình, Hà Nội") when both are known, and a missing birth
  place does not clear the suspicion. The service should write a candidate's birth place with
  `normalise.place_text`, the form this rule gives the record's.

Ratio 90 is loose for short Vietnamese names: one letter in "Nguyễn Văn An" / "Nguyễn Văn Anh" scores
96. With the same birth date and place that is worth a look, hence a warning, never an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz

from hoso_shared.validation.context import Context, DuplicateCandidate
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.normalise import name_key, place_text
from hoso_shared.validation.registry import rule

NAME_THRESHOLD = 90
PLACE_THRESHOLD = 90


@rule("SACH-DUP-001", Criterion.SACH, Severity.ERROR, needs=["candidates"], reads=["citizen_id", "context.candidates"],
      vi="Số định danh cá nhân này đã có trong hồ sơ {profile_id}: mỗi người chỉ có một hồ sơ.",
      en="This personal ID is already in profile {profile_id}: one person has one dossier.")
def _same_citizen_id(_: Record, context: Context) -> Iterator[Hit]:
    for candidate in context.candidates:
        if candidate.same_citizen_id:
            yield Hit("citizen_id", {"profile_id": candidate.profile_id})


def name_score(a: str, b: str) -> float:
    """0–100: how alike two names are, word order and case aside."""
    return float(fuzz.token_sort_ratio(name_key(a), name_key(b)))


def _place_key(place: str) -> str:
    return " ".join(place.casefold().replace(",", " ").split())


def places_agree(a: str | None, b: str | None) -> bool:
    """Both known and alike (one may name fewer levels than the other), or one of them unknown."""
    if a is None or b is None:
        return True
    return fuzz.token_set_ratio(_place_key(a), _place_key(b)) >= PLACE_THRESHOLD


def _suspect(items: dict[str, object], candidate: DuplicateCandidate) -> int | None:
    """The name score when the candidate looks like the same person, else None."""
    name, born = items.get("full_name"), items.get("birth_date")
    if candidate.same_citizen_id or not isinstance(name, str) or born != candidate.birth_date.isoformat():
        return None
    score = name_score(name, candidate.full_name)
    if score < NAME_THRESHOLD:
        return None
    if not places_agree(place_text(items.get("birth_place")), place_text(candidate.birth_place)):
        return None
    return round(score)


@rule("SACH-DUP-002", Criterion.SACH, Severity.WARNING,
      needs=["candidates"], reads=["full_name", "birth_date", "birth_place", "context.candidates"],
      vi="Có thể trùng với hồ sơ {profile_id}: cùng ngày sinh, nơi sinh trùng hoặc chưa rõ, họ tên giống {score}%.",
      en="Possibly the same person as profile {profile_id}: same birth date, birth place alike or unknown, "
         "names {score}% alike.")
def _same_person(record: Record, context: Context) -> Iterator[Hit]:
    if not context.candidates:
        return
    items = record.get("items", {})
    for candidate in context.candidates:
        score = _suspect(items, candidate)
        if score is not None:
            yield Hit("full_name", {"profile_id": candidate.profile_id, "score": score})
