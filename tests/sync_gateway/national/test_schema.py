"""The v1 schema: a valid draft 2020-12 schema, published at its route, and every record our API could store
validates against it once the adapter has placed it (hypothesis-generated records)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from sync_gateway.national.formats import ADAPTERS, encode_packet
from sync_gateway.packets import wire
from tests.conftest import AppClient
from tests.sync_gateway.national.records import stored_records

V1 = ADAPTERS["v1"]
VALIDATOR = Draft202012Validator(V1.schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(payload: dict[str, Any]) -> list[str]:
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(payload)]


def packet_of(records: list[dict[str, Any]]) -> dict[str, Any]:
    document = wire.document(packet_id=uuid.uuid4(), province_code="01", agency_code="01.STC", sequence=1,
                             prev_hash=None, created_at=datetime.now(UTC),
                             records=[{"record_id": str(i), "record": r} for i, r in enumerate(records)])
    return encode_packet(document, "v1")


class TestSchema:
    def test_it_is_a_draft_2020_12_schema_of_the_ten_groups(self) -> None:
        schema = V1.schema()
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert list(schema["properties"]) == schema["required"] and len(schema["required"]) == 10
        assert schema["properties"]["g01_identity"]["required"] == ["full_name", "sex", "birth_date", "citizen_id"]

    def test_it_refuses_what_the_form_refuses(self) -> None:
        """Not a vacuous schema: a wrong value, an unknown field and a missing identity are each named."""
        good = V1.encode({"items": {"full_name": "Trần Văn Bình", "sex": "M", "birth_date": "1985-01-02",
                                    "citizen_id": "001085012345"}, "sections": {}})
        assert problems(good) == []
        assert problems({**good, "g01_identity": {**good["g01_identity"], "sex": "X"}})
        assert problems({**good, "g10_health": {"shoe_size": 42}})
        assert problems({**good, "g01_identity": {"full_name": "Trần Văn Bình"}})
        bad_row = {"training_professional": [{"id": str(uuid.uuid4()), "institution": "x", "from_date": "2020-13-01"}]}
        assert problems({**good, "g05_education": bad_row})

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.filter_too_much])
    @given(record=stored_records())
    def test_every_generated_record_validates_in_a_packet(self, record: dict[str, Any]) -> None:
        """Hypothesis: records drawn from the form's own models, packed as the builder packs them."""
        packet = packet_of([record])
        assert packet["format"] == "v1"
        (sent,) = packet["records"]
        assert problems(sent["record"]) == []
        # Nothing mapped is lost on the way: each item and row is where the mapping puts it.
        placed = {k: v for group in sent["record"].values() for k, v in group.items()}
        assert {k: v for k, v in record["items"].items() if k != "legacy_notes"} == {
            k: v for k, v in placed.items() if k in record["items"]}


class TestRoute:
    async def test_the_schema_is_published_with_its_version(self, client_for: Any) -> None:
        gateway: AppClient = await client_for("sync-gateway")
        r = await gateway.get("/api/v1/national/schema/v1")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/schema+json")
        assert r.json() == V1.schema()
        unknown = await gateway.get("/api/v1/national/schema/v9")
        assert unknown.status_code == 404 and unknown.json()["type"] == "urn:hoso:problem:format-unknown"
        assert "v1" in unknown.json()["detail"]
        operation = (await gateway.get("/openapi.json")).json()["paths"]["/api/v1/national/schema/{version}"]["get"]
        assert operation["description"] and operation["parameters"][0]["description"]
