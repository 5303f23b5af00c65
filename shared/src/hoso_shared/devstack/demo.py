"""Demo data for `make run`: a Hanoi-shaped org tree, accounts for every role, ~200 profiles.

Loaded once (skipped when the root unit exists). Passwords are random per install, never
defaults, and are handed back so the runner can print them and write `.data/demo.json`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth.passwords import hash_secret_sync, new_password
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Account, OrgUnit, Profile

ROOT_CODE = "01"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Lương"]
MIDDLE = {"M": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Công", "Xuân", "Tuấn", "Mạnh"],
          "F": ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Kim", "Bích", "Thùy"]}
GIVEN = {"M": ["Anh", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong",
               "Quân", "Sơn", "Thắng", "Trung", "Tùng", "Việt", "Hiếu", "Đạt", "Huy", "Kiên"],
         "F": ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
               "Linh", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quỳnh", "Thảo", "Trang"]}
# Ethnicity codes of QĐ 121-TCTK/PPCĐ, weighted towards Kinh as Hanoi's workforce is.
ETHNICITY = ["01"] * 90 + ["02", "03", "06", "07", "09"] * 2
RANKS = {"cong_chuc": ["01.001", "01.002", "01.003", "01.003", "01.003", "01.004", "02.007"],
         "vien_chuc": ["06.031", "01.003", "01.004", "02.008"],
         "cap_xa": ["01.003", "01.004", "01.005"], "can_bo": ["01.002", "01.003"]}
# Birth-registration province codes (TT 07/2016 Phụ lục I): mostly Hanoi, some neighbours.
BIRTH_PROVINCES = ["001"] * 8 + ["034", "036", "037", "030", "027", "040"]

# (code, name, type, parent code, agency key or None)
UNITS: list[tuple[str, str, str, str | None, str | None]] = [
    (ROOT_CODE, "Thành phố Hà Nội", "province", None, None),
    ("01.SNV", "Sở Nội vụ thành phố Hà Nội", "doha", ROOT_CODE, None),
    ("01.STC", "Sở Tài chính thành phố Hà Nội", "department", ROOT_CODE, "stc"),
    ("01.STC.VP", "Văn phòng Sở Tài chính", "sub_unit", "01.STC", None),
    ("01.STC.NS", "Phòng Quản lý ngân sách", "sub_unit", "01.STC", None),
    ("01.SGD", "Sở Giáo dục và Đào tạo thành phố Hà Nội", "department", ROOT_CODE, "sgd"),
    ("01.SGD.TC", "Phòng Tổ chức cán bộ", "sub_unit", "01.SGD", None),
    ("01.SGD.THPT", "Trường THPT Phan Đình Phùng", "sub_unit", "01.SGD", None),
    ("01.00004", "UBND phường Ba Đình", "ward", ROOT_CODE, "bd"),
    ("01.00004.VP", "Văn phòng HĐND và UBND phường Ba Đình", "sub_unit", "01.00004", None),
    ("01.00004.KT", "Phòng Kinh tế, Hạ tầng và Đô thị phường Ba Đình", "sub_unit", "01.00004", None),
    ("01.00004.PVHC", "Trung tâm Phục vụ hành chính công phường Ba Đình", "sub_unit", "01.00004", None),
]
CATEGORY_BY_TYPE = {"doha": "cong_chuc", "department": "cong_chuc", "ward": "cap_xa"}


@dataclass
class DemoAccount:
    role: str
    username: str
    password: str
    org_unit_id: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "username": self.username, "password": self.password,
                "org_unit_id": self.org_unit_id}


@dataclass
class Demo:
    rng: random.Random
    cipher: FieldCipher
    units: dict[str, OrgUnit] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)


def citizen_id(rng: random.Random, birth: date, sex: str, used: set[str]) -> str:
    """A structurally valid 12-digit personal ID: province, century/sex digit, year, 6 random."""
    century_digit = 2 * ((birth.year - 1900) // 100) + (1 if sex == "F" else 0)
    while True:
        province = rng.choice(BIRTH_PROVINCES)
        value = f"{province}{century_digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if value not in used:
            used.add(value)
            return value


def _unit(demo: Demo, code: str, name: str, type_: str, parent_code: str | None) -> OrgUnit:
    parent = demo.units.get(parent_code) if parent_code else None
    unit_id = uuid.UUID(int=demo.rng.getrandbits(128), version=4)
    path = (parent.path if parent else "/") + unit_id.hex + "/"
    unit = OrgUnit(id=unit_id, code=code, name=name, type=type_, parent_id=parent.id if parent else None,
                   path=path, valid_from=date(2025, 7, 1))
    demo.units[code] = unit
    return unit


def _person(demo: Demo, unit: OrgUnit) -> Profile:
    rng = demo.rng
    sex = rng.choice("MF")
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
    category = CATEGORY_BY_TYPE.get(unit.type, "vien_chuc" if "Trường" in unit.name else "cong_chuc")
    cid = citizen_id(rng, birth, sex, demo.used_ids)
    enc, kid = demo.cipher.encrypt(cid, field="citizen_id")
    recruited = date(max(birth.year + 22, 1990), rng.randint(1, 12), 1)
    data: dict[str, Any] = {
        "ethnicity_code": rng.choice(ETHNICITY), "religion": "Không",
        "birth_place": "Hà Nội", "recruited_on": recruited.isoformat(),
        "salary_step": rng.randint(1, 6), "party_member": rng.random() < 0.6,
    }
    return Profile(id=uuid.UUID(int=rng.getrandbits(128), version=4), org_unit_id=unit.id,
                   citizen_id_hmac=demo.cipher.lookup_hash(cid, field="citizen_id"),
                   citizen_id_enc=enc, key_id=kid, full_name=name, birth_date=birth, sex=sex,
                   category=category, status="active", rank_code=rng.choice(RANKS[category]), data=data)


def _account(demo: Demo, *, role: str, username: str, unit: OrgUnit, kind: str = "person",
             profile: Profile | None = None, scopes: list[str] | None = None,
             must_change: bool = False) -> Account:
    password = new_password()
    demo.accounts.append(DemoAccount(role, username, password, str(unit.id)))
    display = profile.full_name if profile else username
    return Account(username=username, display_name=display, kind=kind, roles=[role],
                   scopes=scopes or [], org_unit_id=unit.id, profile_id=profile.id if profile else None,
                   secret_hash=hash_secret_sync(password), must_change_password=must_change)


def build(seed: int, cipher: FieldCipher, profiles_per_leaf: int = 24) -> tuple[list[Any], list[DemoAccount]]:
    """The rows to insert (in dependency order) and the demo logins."""
    demo = Demo(rng=random.Random(seed), cipher=cipher)
    units = [_unit(demo, code, name, type_, parent) for code, name, type_, parent, _ in UNITS]
    people = [_person(demo, u) for u in units if u.type != "province"
              for _ in range(profiles_per_leaf if u.type == "sub_unit" else 8)]
    root, doha = demo.units[ROOT_CODE], demo.units["01.SNV"]
    accounts = [_account(demo, role="doha_admin", username="snv.admin", unit=root),
                _account(demo, role="approver", username="snv.approver", unit=root)]
    for code, _, _, _, key in UNITS:
        if key is None:
            continue
        unit = demo.units[code]
        staff = [p for p in people if p.org_unit_id == unit.id]
        accounts += [_account(demo, role="agency_admin", username=f"{key}.admin", unit=unit, kind="agency"),
                     _account(demo, role="approver", username=f"{key}.approver", unit=unit,
                              profile=staff[0])]
        for i, person in enumerate(staff[1:3], start=1):
            owner = demo.units[code]
            accounts.append(_account(demo, role="officer", username=f"{key}.canbo{i}", unit=owner,
                                     profile=person, must_change=(key == "bd" and i == 2)))
    accounts.append(_account(demo, role="hr_system", username="hr.hanoi", unit=root, kind="client",
                             scopes=["profiles:read", "org-units:read"]))
    accounts.append(_account(demo, role="service", username="svc.approval-api", unit=root, kind="client",
                             scopes=["profiles:apply"]))
    accounts.append(_account(demo, role="service", username="svc.sync-gateway", unit=root, kind="client",
                             scopes=["profiles:read", "change-requests:return"]))
    del doha
    return [*units, *people, *accounts], demo.accounts


async def load(session: AsyncSession, cipher: FieldCipher, seed: int = 2026) -> list[DemoAccount] | None:
    """Inserts the demo once; returns the logins, or None when the demo was already there."""
    if (await session.execute(select(OrgUnit.id).where(OrgUnit.code == ROOT_CODE))).first():
        return None
    rows, logins = build(seed, cipher)
    previous: type | None = None
    for row in rows:
        # No ORM relationships tell the unit of work the order, so flush parents first.
        if isinstance(row, OrgUnit) or type(row) is not previous:
            await session.flush()
        previous = type(row)
        session.add(row)
    await session.flush()
    return logins
