"""Our fast RFC 8785 path writes exactly the reference library's bytes, and refuses what it refuses."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso_shared.canonical import canonical
from hoso_shared.crypto import digest

# Every code point but surrogates: control characters, quotes, backslashes, U+2028, astral planes.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
KEYS = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=8)
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | TEXT,
                      lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
                      max_leaves=30)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
# Anything JSON, nested: floats, non-ASCII (astral too) keys and tuples anywhere.
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | TEXT | FLOATS,
                        lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                        | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                        max_leaves=20)
NOT_JSON = [math.nan, math.inf, 2**53, -(2**53), datetime(2026, 1, 2, tzinfo=UTC), date(2026, 1, 2), uuid.UUID(int=1),
            Decimal("3.33"), {1: "a"}, {"a"}, b"bytes", "lone \ud800 surrogate"]


class TestCanonical:
    @settings(max_examples=400)
    @given(st.dictionaries(KEYS, VALUES, max_size=6))
    def test_the_fast_path_equals_rfc8785(self, doc: dict[str, Any]) -> None:
        assert canonical(doc) == rfc8785.dumps(doc)

    @given(st.dictionaries(st.text(max_size=4), FLOATS | TEXT, max_size=4))
    def test_floats_and_non_ascii_keys_take_the_reference_path(self, doc: dict[str, Any]) -> None:
        assert canonical(doc) == rfc8785.dumps(doc)

    @settings(max_examples=300)
    @given(ANY_JSON)
    def test_any_json_value_equals_rfc8785(self, value: Any) -> None:
        assert canonical(value) == rfc8785.dumps(value)

    @given(st.dictionaries(KEYS, VALUES, max_size=6))
    def test_plain_json_never_reaches_the_reference(self, doc: dict[str, Any]) -> None:
        """The fast path is the one taken, not a dead branch that the equality above would not notice."""
        expected = rfc8785.dumps(doc)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rfc8785, "dumps", _refuse)  # what `canonical` calls for the reference
            assert canonical(doc) == expected

    def test_a_float_nested_in_a_tuple_is_written_as_jcs(self) -> None:
        assert canonical({"a": [(1.0, {"b": (2.5e-7,)})]}) == b'{"a":[[1,{"b":[2.5e-7]}]]}'

    @pytest.mark.parametrize("bad", NOT_JSON, ids=repr)
    @pytest.mark.parametrize("beside", [None, 0.5], ids=["fast path", "reference path"])
    def test_what_is_not_json_is_refused_alike_on_both_paths(self, bad: Any, beside: float | None) -> None:
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical({"x": [bad], "y": beside})
        with pytest.raises(rfc8785.CanonicalizationError):
            rfc8785.dumps({"x": [bad], "y": beside})


class TestDigest:
    def test_is_the_sha256_of_the_canonical_bytes(self) -> None:
        # Pinned: profile version digests, audit digests and the audit chain are stored and recomputed.
        assert digest({"b": [1, "ă"], "a": None}) == "037db2b6b9df22b5213dfe1f3cfaf79dd069dae4c19671073b80a295f7a82897"

    def test_refuses_what_is_not_json(self) -> None:
        with pytest.raises(ValueError, match="unsupported type"):
            digest({"at": datetime(2026, 1, 2, tzinfo=UTC)})


def _refuse(value: Any) -> bytes:
    raise AssertionError(f"the reference was called for {value!r}")
