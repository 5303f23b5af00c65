"""The one canonical JSON (RFC 8785, JCS) of everything we hash or sign: packets, signed exports and
reviews, profile version digests, the audit log's digests and chain.

Only JSON values are accepted (dict with str keys, list, tuple, str, int within ±2^53, float, bool,
None): anything else raises `rfc8785.CanonicalizationError`, a ValueError. A caller with dates, UUIDs
or decimals converts them itself (e.g. `pydantic_core.to_jsonable_python`, or `model_dump(mode="json")`),
so the bytes of a hash never depend on an implicit `str()` of some object."""

from __future__ import annotations

import json
from typing import Any

import rfc8785

SAFE = 2**53  # I-JSON: integers beyond lose precision in other parsers, and JCS refuses them


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes. For JSON without floats and with ASCII keys, JCS is exactly what the C encoder of
    `json` writes with sorted keys, no spaces and UTF-8 (strings escape the same characters the same
    way; integers print alike; ASCII keys sort alike by code point and by UTF-16 unit) — ten times
    faster than the pure-Python `rfc8785`, which stays the reference and handles (or refuses)
    everything else. A property test (tests/shared/test_canonical.py) checks the two agree."""
    if _plain(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
        try:
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate: the reference refuses it, with its own error
            pass
    return rfc8785.dumps(value)


def _plain(value: Any) -> bool:
    """Only strings, None, booleans, safe integers, lists, tuples and objects with ASCII keys, anywhere
    (iteratively: records nest deep enough to matter). Anything else goes to the reference: floats,
    which JCS prints its own way, and whatever it refuses, so a refusal is the same error on either path."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) or item is None:
            continue
        if isinstance(item, dict):
            try:  # one C call for every key (a generator over the keys was a third of digesting a record)
                ascii_keys = "".join(item).isascii()
            except TypeError:  # a key that is not a string
                return False
            if not ascii_keys:
                return False
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, float) or not isinstance(item, int) or not -SAFE < item < SAFE:
            return False
    return True
