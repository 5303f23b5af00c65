"""The population register's lookup route, which fills in a new person's form (QĐ MIC 2021 on the connection to
the population DB: "tự động hoá việc xác minh, điền thông tin cá nhân")."""

from __future__ import annotations

from ndxp_sim.population_db.register import generate_people
from tests.ndxp_sim.conftest import FAST, Sim

PEOPLE = generate_people(2026, FAST["sim_population_size"])
KNOWN = PEOPLE[0]


async def look_up(sim: Sim, citizen_id: str) -> tuple[int, dict[str, object]]:
    answer = await sim.client.get(f"/population/v1/citizens/{citizen_id}", headers=sim.headers)
    return answer.status_code, answer.json()


class TestLookUp:
    async def test_a_known_person_comes_with_every_item_to_fill(self, sim: Sim) -> None:
        """Mục đích kết nối: tự động hoá việc điền thông tin cá nhân (QĐ MIC 2021)."""
        status, body = await look_up(sim, KNOWN.citizen_id)
        assert status == 200, body
        assert (body["full_name"], body["birth_date"], body["sex"]) == (
            KNOWN.full_name, KNOWN.birth_date.isoformat(), KNOWN.sex)
        assert body["ethnicity"]["code"] and body["ethnicity"]["name"]  # type: ignore[index]
        assert body["religion"]["name"]  # type: ignore[index]
        for place in ("birth_place", "home_town", "residence"):
            assert body[place]["province"], place  # type: ignore[index]
        assert body["residence"]["detail"].startswith("Số ")  # type: ignore[index]
        assert str(body["looked_up_at"]).endswith("Z")

    async def test_the_same_person_gets_the_same_answer(self, sim: Sim) -> None:
        first, second = (await look_up(sim, KNOWN.citizen_id))[1], (await look_up(sim, KNOWN.citizen_id))[1]
        assert {**first, "looked_up_at": ""} == {**second, "looked_up_at": ""}

    async def test_the_birth_place_follows_the_id_s_province_code(self, sim: Sim) -> None:
        hanoi = next(p for p in PEOPLE if p.citizen_id.startswith("001"))
        assert (await look_up(sim, hanoi.citizen_id))[1]["birth_place"]["province"] == "Hà Nội"  # type: ignore[index]

    async def test_an_unknown_id_is_404(self, sim: Sim) -> None:
        assert await look_up(sim, "001099999999") == (404, {"error": "not_found"})

    async def test_a_malformed_id_is_400(self, sim: Sim) -> None:
        status, body = await look_up(sim, "12345")
        assert (status, body["error"]) == (400, "malformed")

    async def test_a_token_is_required(self, sim: Sim) -> None:
        answer = await sim.client.get(f"/population/v1/citizens/{KNOWN.citizen_id}")
        assert answer.status_code == 401

    async def test_the_timeout_fault_hangs_then_gives_up(self, sim: Sim) -> None:
        await sim.faults(timeout_rate=1.0, timeout_seconds=0.05)
        assert await look_up(sim, KNOWN.citizen_id) == (504, {"error": "timeout"})


class TestCheckTheFilledItems:
    async def check(self, sim: Sim, **items: str) -> dict[str, object]:
        answer = await sim.client.post("/population/v1/citizens/check", headers=sim.headers, json={
            "citizen_id": KNOWN.citizen_id, "full_name": KNOWN.full_name,
            "birth_date": KNOWN.birth_date.isoformat(), "sex": KNOWN.sex, **items})
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body

    async def test_coded_items_as_the_register_gave_them_match(self, sim: Sim) -> None:
        held = (await look_up(sim, KNOWN.citizen_id))[1]
        body = await self.check(sim, ethnicity_code=held["ethnicity"]["code"],  # type: ignore[index]
                                religion_code=held["religion"]["code"])  # type: ignore[index]
        assert (body["result"], body["mismatched"]) == ("match", [])

    async def test_a_changed_coded_item_is_named(self, sim: Sim) -> None:
        """Differences between a record and the register are named item by item (QĐ MIC 2021: verification)."""
        held = (await look_up(sim, KNOWN.citizen_id))[1]
        other = "99" if held["religion"]["code"] != "99" else "00"  # type: ignore[index]
        body = await self.check(sim, ethnicity_code=held["ethnicity"]["code"],  # type: ignore[index]
                                religion_code=other)
        assert (body["result"], body["mismatched"]) == ("mismatch", ["religion_code"])
