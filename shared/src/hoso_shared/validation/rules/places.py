"""Đúng: the province named in a place (birth place, home town, residence) must be a province of the
administrative-unit list — the 34 from 1/7/2025 or the 63 before (QĐ 19/2025/QĐ-TTg; old records keep
the old names). Places are free text on the form, so names match loosely: case, accents, spaces and
the words "tỉnh" / "thành phố" / "TP" do not matter. Communes are not checked: their 3,321-entry list
is not loaded as data yet."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from hoso_shared.codes import PROVINCES
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.codes import fold

PLACES = {"birth_place": ("nơi sinh", "birth place"), "home_town": ("quê quán", "home town"),
          "residence": ("nơi ở hiện nay", "residence")}
_PREFIX = re.compile(r"^\s*(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # the same few province spellings recur in every record
def _key(name: str) -> str:
    return fold(_PREFIX.sub("", name))


KNOWN = frozenset(_key(entry.name) for entry in PROVINCES)


@rule("DUNG-DVHC-001", Criterion.DUNG, Severity.WARNING, reads=[f"{p}.province" for p in PLACES],
      vi="Tỉnh/thành phố “{value}” ở {label_vi} không có trong danh mục đơn vị hành chính (kể cả trước 1/7/2025).",
      en="The province “{value}” of the {label_en} is not in the administrative-unit list (pre-2025 included).")
def _province(record: Record, _: Any) -> Iterator[Hit]:
    items = record.get("items") or {}
    for key, (vi, en) in PLACES.items():
        place = items.get(key)
        value = place.get("province") if isinstance(place, dict) else None
        if isinstance(value, str) and value.strip() and _key(value) not in KNOWN:
            yield Hit(f"{key}.province", {"value": value, "label_vi": vi, "label_en": en})
