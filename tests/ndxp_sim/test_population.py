from __future__ import annotations

import unicodedata
from datetime import date

from ndxp_sim.national_db.service import national_profile
from ndxp_sim.population_db.register import Person, generate_people
from ndxp_sim.population_db.store import PopulationStore
from tests.ndxp_sim.conftest import FAST, Sim

PEOPLE = generate_people(2026, FAST["sim_population_size"])  # the register the simulator holds
KNOWN = PEOPLE[0]
KNOWN_CHECK = {"citizen_id": KNOWN.citizen_id, "full_name": KNOWN.full_name,
               "birth_date": KNOWN.birth_date.isoformat(), "sex": KNOWN.sex}


class TestRegister:
    def test_ids_follow_the_national_rules(self) -> None:
        assert len({p.citizen_id for p in PEOPLE}) == len(PEOPLE)
        for person in PEOPLE:
            digit = int(person.citizen_id[3])
            assert len(person.citizen_id) == 12 and person.citizen_id.isdigit()
            assert (digit % 2 == 1) == (person.sex == "F")
            assert 1900 + 100 * (digit // 2) + int(person.citizen_id[4:6]) == person.birth_date.year
        assert generate_people(2026, 5) == PEOPLE[:5]  # the seed decides who exists

    def test_the_kept_register_gives_back_each_person_whole(self) -> None:
        # People are kept as one bytes value each (`ndxp_sim.population_db.store`): a lookup rebuilds the same one.
        store = PopulationStore.of(PEOPLE)
        assert [store.get(p.citizen_id) for p in PEOPLE] == PEOPLE
        other = Person("001199000002", "Nguyễn Thị Ngọc Ánh", date(1999, 12, 31), "F")
        assert (store.put(other), store.put(other), len(store)) == (False, True, len(PEOPLE) + 1)
        assert store.get(other.citizen_id) == other
        assert store.get("001099999999") is None


class TestCheckCitizen:
    async def check(self, sim: Sim, **changes: str) -> dict[str, object]:
        answer = await sim.client.post("/population/v1/citizens/check", json={**KNOWN_CHECK, **changes},
                                       headers=sim.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body

    async def test_match_ignores_case_and_unicode_composition(self, sim: Sim) -> None:
        body = await self.check(sim, full_name=unicodedata.normalize("NFD", KNOWN.full_name.upper()))
        assert body["result"] == "match" and body["mismatched"] == []
        assert str(body["checked_at"]).endswith("Z")

    async def test_mismatch_names_the_fields(self, sim: Sim) -> None:
        body = await self.check(sim, full_name="Người Khác Hẳn", birth_date="1900-01-01",
                                sex="F" if KNOWN.sex == "M" else "M")
        assert body["result"] == "mismatch"
        assert body["mismatched"] == ["full_name", "birth_date", "sex"]

    async def test_an_unknown_id_is_not_found(self, sim: Sim) -> None:
        body = await self.check(sim, citizen_id="001099999999")
        assert body["result"] == "not_found"

    async def test_people_added_by_admin_are_known(self, sim: Sim) -> None:
        person = {"citizen_id": "001199000001", "full_name": "Trần Thị Bích", "birth_date": "1999-05-04",
                  "sex": "F"}
        added = await sim.client.post("/admin/population", json=[person])
        assert added.json() == {"added": 1, "replaced": 0, "total": len(PEOPLE) + 1}
        assert (await self.check(sim, **person))["result"] == "match"

    async def test_a_malformed_check_is_400(self, sim: Sim) -> None:
        answer = await sim.client.post("/population/v1/citizens/check", json={"citizen_id": "12"},
                                       headers=sim.headers)
        assert (answer.status_code, answer.json()["error"]) == (400, "malformed")


class TestReadNationalProfile:
    async def test_people_of_another_province_have_a_national_record(self, sim: Sim) -> None:
        person = PEOPLE[4]  # every fifth person's profile is kept by another province
        answer = await sim.client.get(f"/cbccvc/v1/profiles/{person.citizen_id}", headers=sim.headers)
        assert answer.status_code == 200
        body = answer.json()
        assert body["citizen_id"] == person.citizen_id and body["source_province"] != "01"
        assert body["items"]["full_name"] == person.full_name
        assert body["items"]["birth_date"] == person.birth_date.isoformat()
        assert body["items"]["ethnicity_code"] == "01" and body["sections"] == {}
        assert set(body["items"]["residence"]) == {"province"}

    async def test_others_are_404(self, sim: Sim) -> None:
        answer = await sim.client.get(f"/cbccvc/v1/profiles/{PEOPLE[0].citizen_id}", headers=sim.headers)
        assert (answer.status_code, answer.json()) == (404, {"error": "not_found"})

    async def test_a_pulled_record_is_the_seeded_record_whole(self, sim: Sim) -> None:
        # Records are kept as JSON bytes (`ndxp_sim.national_db.store`): a pull parses back the same record.
        for person in PEOPLE[4::5]:
            answer = await sim.client.get(f"/cbccvc/v1/profiles/{person.citizen_id}", headers=sim.headers)
            assert answer.json() == national_profile(2026, person).model_dump(mode="json")

    async def test_a_record_added_again_replaces_the_first(self, sim: Sim) -> None:
        items: dict[str, object] = {"full_name": "Lê Văn Tám", "salary_step": 3, "salary_coefficient": 2.67}
        record = {"citizen_id": "079090000124", "source_province": "79", "sections": {}, "items": items}
        first = await sim.client.post("/admin/national-profiles", json=[record])
        total = first.json()["total"]
        changed = {**record, "items": {**items, "full_name": "Lê Văn Tâm"}}
        again = await sim.client.post("/admin/national-profiles", json=[changed])
        assert again.json() == {"added": 0, "replaced": 1, "total": total}
        answer = await sim.client.get("/cbccvc/v1/profiles/079090000124", headers=sim.headers)
        assert answer.json() == changed

    async def test_records_added_by_admin_are_served(self, sim: Sim) -> None:
        record = {"citizen_id": "079090000123", "source_province": "79", "sections": {"training": []},
                  "items": {"full_name": "Lê Văn Tám", "sex": "M", "birth_date": "1990-01-02"}}
        assert (await sim.client.post("/admin/national-profiles", json=[record])).status_code == 200
        answer = await sim.client.get("/cbccvc/v1/profiles/079090000123", headers=sim.headers)
        assert answer.json() == record
