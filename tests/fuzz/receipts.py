"""Receipts the national side really signed, with generated content: a random string only ever reaches "bad
signature", while what a valid signature carries (docs/ndxp.md's receipt, each field sometimes off its format) is
what the gateway's receipt parser has to stand up to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from tests.sync_gateway.conftest import sign_receipt

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=3), max_leaves=6)


def _or_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the well-formed value (so most receipts get past the schema), one time in eight anything JSON holds."""
    return st.sampled_from([strategy] * 7 + [JSON]).flatmap(lambda chosen: chosen)


# Outbox ids are numbers written as text: besides the real ones, numerals of any script (Unicode Nd and No).
NUMERALS = st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=41)


def signed_receipts(now: datetime, packet_ids: Sequence[str], record_ids: Sequence[str]) -> st.SearchStrategy[str]:
    """Compact JWS receipts for `packet_ids` (or others), issued around `now`, judging `record_ids` (or others)."""
    issued = st.sampled_from([now, now - timedelta(seconds=30), now - timedelta(hours=1), now + timedelta(hours=1)])
    record = st.fixed_dictionaries({
        "record_id": _or_junk(st.sampled_from(list(record_ids)) | NUMERALS | st.text(max_size=41)),
        "status": _or_junk(st.sampled_from(["accepted", "rejected"])),
    }, optional={"reason": _or_junk(st.none() | st.text(max_size=30))})
    receipt = st.fixed_dictionaries({
        "receipt_id": _or_junk(st.uuids().map(str)),
        "packet_id": _or_junk(st.sampled_from(list(packet_ids)) | st.uuids().map(str)),
        "issued_at": _or_junk(issued.map(datetime.isoformat)),
        "outcome": _or_junk(st.sampled_from(["accepted", "partially_rejected", "rejected"])),
        "records": _or_junk(st.lists(record, max_size=4)),
    }, optional={"agency_code": _or_junk(st.text(max_size=10))})
    return _or_junk(receipt).map(lambda payload: sign_receipt(payload).decode())

