"""ndxp-sim checks each record of a packet against the JSON Schema of the packet's format version (docs/ndxp.md
"Format versions") and refuses an invalid packet with a clear error: which record, where, which rule — never
the value, which may be personal data."""

from __future__ import annotations

from typing import Any

import httpx
import respx

from sync_gateway.national.formats import ADAPTERS
from tests.ndxp_sim.conftest import SimFactory
from tests.ndxp_sim.helpers import make_packet, record

SCHEMA_V1 = ADAPTERS["v1"].schema()
IDENTITY = {"full_name": "Nguyễn Văn An", "sex": "M", "birth_date": "1985-01-02", "citizen_id": "001085012345"}


def packet(*records: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**make_packet(**fields), "records": list(records)}


def v1_record(record_id: str, **identity: Any) -> dict[str, Any]:
    payload = ADAPTERS["v1"].encode({"items": {**IDENTITY, **identity}, "sections": {}})
    return {**record(record_id), "record": payload}


class TestCheck:
    async def test_a_packet_whose_records_follow_its_format_is_accepted(self, make_sim: SimFactory) -> None:
        sim = await make_sim()  # v1 as published (docs/national-v1.schema.json)
        r = await sim.deliver(packet(v1_record("a"), v1_record("b"), format="v1"))
        assert r.status_code == 202 and r.json()["status"] == "accepted", r.text

    async def test_an_invalid_record_is_refused_naming_the_record_the_path_and_the_rule(
            self, make_sim: SimFactory) -> None:
        sim = await make_sim()  # v1 as published (docs/national-v1.schema.json)
        bad = v1_record("b", sex="X")
        bad["record"]["g10_health"]["shoe_size"] = 42
        r = await sim.deliver(packet(v1_record("a"), bad, format="v1"))
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["error"] == "malformed" and body["detail"] == "records do not follow format v1"
        where = {(e["record_id"], e["path"]) for e in body["errors"]}
        assert where == {("b", "/g01_identity/sex"), ("b", "/g10_health")}
        assert '"X"' not in r.text and "'X'" not in r.text  # the rule, not the value
        assert (await sim.stats())["malformed"] == 1 and sim.state.packets.by_id == {}

    async def test_a_record_in_our_old_shape_is_refused_under_a_format(self, make_sim: SimFactory) -> None:
        sim = await make_sim()  # v1 as published (docs/national-v1.schema.json)
        r = await sim.deliver(make_packet(format="v1"))  # `record: {"items", "sections"}`
        assert r.status_code == 400 and r.json()["error"] == "malformed"

    async def test_an_unknown_format_is_refused(self, make_sim: SimFactory) -> None:
        sim = await make_sim()  # v1 as published (docs/national-v1.schema.json)
        r = await sim.deliver(packet(v1_record("a"), format="v9"))
        assert r.status_code == 400 and r.json() == {"error": "malformed", "detail": "unknown format 'v9'"}

    async def test_a_packet_without_format_keeps_the_shape_of_before(self, make_sim: SimFactory) -> None:
        sim = await make_sim()
        assert (await sim.deliver(make_packet())).status_code == 202
        r = await sim.deliver(packet(v1_record("a")))
        assert r.status_code == 400 and r.json()["error"] == "malformed"


class TestFetch:
    async def test_the_schema_is_fetched_once_per_version_from_the_gateway(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_formats="")  # no inline formats: the gateway's route, beside its JWKS
        with respx.mock(assert_all_called=True) as router:
            v1 = router.get("http://127.0.0.1:8003/api/v1/national/schema/v1").mock(
                return_value=httpx.Response(200, json=SCHEMA_V1))
            router.get("http://127.0.0.1:8003/api/v1/national/schema/v9").mock(return_value=httpx.Response(404))
            for sequence in (1, 2):
                answer = await sim.deliver(packet(v1_record("a"), format="v1", sequence=sequence))
                assert answer.status_code == 202, answer.text
            assert v1.call_count == 1
            r = await sim.deliver(packet(v1_record("a"), format="v9", sequence=3))
            assert r.status_code == 400 and r.json()["detail"] == "unknown format 'v9'"

    async def test_a_schema_that_cannot_be_fetched_is_a_transient_refusal(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_formats="")
        with respx.mock(assert_all_called=True) as router:
            router.get("http://127.0.0.1:8003/api/v1/national/schema/v1").mock(side_effect=httpx.ConnectError("down"))
            r = await sim.deliver(packet(v1_record("a"), format="v1"))
        assert r.status_code == 503 and r.json()["error"] == "formats_unavailable"
        assert r.headers["retry-after"] == "1"
