"""Our fast RFC 8785 path writes exactly the reference library's bytes."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sync_gateway.packets.wire import canonical

# Every code point but surrogates: control characters, quotes, backslashes, U+2028, astral planes.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
KEYS = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=8)
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | TEXT,
                      lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
                      max_leaves=30)


@settings(max_examples=400)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_the_fast_path_equals_rfc8785(doc: dict[str, Any]) -> None:
    assert canonical(doc) == rfc8785.dumps(doc)


@given(st.dictionaries(st.text(max_size=4), st.floats(allow_nan=False, allow_infinity=False) | TEXT, max_size=4))
def test_floats_and_non_ascii_keys_take_the_reference_path(doc: dict[str, Any]) -> None:
    assert canonical(doc) == rfc8785.dumps(doc)
