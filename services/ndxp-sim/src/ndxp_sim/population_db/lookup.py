"""The population register's full answer for one citizen (QĐ MIC 2021 on the connection to the population DB:
automatic verification *and filling* of personal information): name, birth date and sex as the register keeps
them, plus birth place, home town (quê quán), ethnicity, religion and residence.

The register stores only name, birth date and sex per person (`store`: ~185 bytes each at 200,000 people), so
the other items are drawn from the citizen ID itself: the same person always gets the same answer, and the
register's memory does not grow.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime

from hoso_shared.codes import ETHNICITIES, RELIGIONS
from ndxp_sim.population_db.names import BIRTH_PROVINCES, HANOI, PROVINCES
from ndxp_sim.population_db.register import Person
from ndxp_sim.population_db.schemas import CitizenRecord, CodedValue, PlaceRead

# Shares close to the 2019 census: most officials of Hà Nội are Kinh without a religion.
ETHNICITY_WEIGHTS = {"01": 86, "02": 3, "03": 2, "06": 3, "07": 2, "08": 2, "09": 2}
RELIGION_WEIGHTS = {"00": 82, "01": 9, "02": 6, "03": 3}
HOME_ELSEWHERE = 0.2  # a home town (the father's) in another province than the birth's
# Commune names found in many provinces; the register answers in the two-level tree since 1/7/2025.
COMMUNES = ("xã Tân Lập", "xã Hòa Bình", "xã Yên Phú", "xã Đông Sơn", "xã Quảng Phú", "phường Quang Trung",
            "phường Trần Phú", "phường Lê Lợi", "xã Thanh Xuân", "xã Hưng Đạo")
HANOI_WARDS = ("phường Ba Đình", "phường Hoàn Kiếm", "phường Cầu Giấy", "phường Đống Đa", "phường Hai Bà Trưng",
               "phường Tây Hồ", "phường Long Biên", "phường Hà Đông", "xã Sóc Sơn", "xã Gia Lâm")
STREETS = ("phố Kim Mã", "phố Nguyễn Chí Thanh", "phố Tôn Đức Thắng", "đường Láng", "phố Trần Duy Hưng",
           "phố Nguyễn Trãi", "đường Giải Phóng", "phố Xuân Thủy", "đường Lạc Long Quân", "phố Minh Khai")


def _weighted(rng: random.Random, weights: dict[str, int], names: dict[str, str]) -> CodedValue:
    code = rng.choices(list(weights), weights=list(weights.values()))[0]
    return CodedValue(code=code, name=names[code])


def citizen_record(person: Person, now: datetime) -> CitizenRecord:
    # Seeded by the ID, not by the run: repeatable for tests and demos (not crypto).
    rng = random.Random(hashlib.sha256(person.citizen_id.encode()).digest())  # noqa: S311
    birth_province = BIRTH_PROVINCES.get(person.citizen_id[:3], PROVINCES[HANOI])
    home_province = rng.choice(sorted(BIRTH_PROVINCES.values())) if rng.random() < HOME_ELSEWHERE else birth_province
    return CitizenRecord(
        citizen_id=person.citizen_id, full_name=person.full_name, birth_date=person.birth_date, sex=person.sex,
        birth_place=PlaceRead(commune=rng.choice(COMMUNES), province=birth_province, detail=None),
        home_town=PlaceRead(commune=rng.choice(COMMUNES), province=home_province, detail=None),
        ethnicity=_weighted(rng, ETHNICITY_WEIGHTS, {e.code: e.name for e in ETHNICITIES}),
        religion=_weighted(rng, RELIGION_WEIGHTS, {r.code: r.name for r in RELIGIONS}),
        residence=PlaceRead(commune=rng.choice(HANOI_WARDS), province=PROVINCES[HANOI],
                            detail=f"Số {rng.randint(1, 199)}, ngõ {rng.randint(1, 120)}, {rng.choice(STREETS)}"),
        looked_up_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"))
