"""Demo data for `make run`: a Hanoi-shaped org tree, accounts for every role, ~200 profiles.

Loaded once (skipped when the root unit exists). Passwords are random per install, never
defaults, and are handed back so the runner can print them and write `.data/demo.json`.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth.passwords import hash_secret_sync, new_password
from hoso_shared.codes import scale_of
from hoso_shared.codes.provinces import REFORM
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import outbox
from hoso_shared.db.models import (
    Account,
    Attachment,
    ChangeRequest,
    Decision,
    OrgUnit,
    OrgUnitPeriod,
    Profile,
    ProfileAssignment,
    ProfileVersion,
    Transfer,
)
from hoso_shared.deadlines import DEFAULT_POLICY, resolve_policy
from hoso_shared.form import ProfileItems
from hoso_shared.time import local_day

ROOT_CODE = "01"
DOHA_CODE = "01.SNV"  # Sở Nội vụ's own unit: its people sync through the snv.agency account
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
UNIVERSITIES = ["Học viện Hành chính Quốc gia", "Trường Đại học Luật Hà Nội", "Học viện Tài chính",
                "Trường Đại học Sư phạm Hà Nội", "Trường Đại học Kinh tế Quốc dân"]

# (code, name, type, parent code, agency key or None)
UNITS: list[tuple[str, str, str, str | None, str | None]] = [
    (ROOT_CODE, "Thành phố Hà Nội", "province", None, None),
    (DOHA_CODE, "Sở Nội vụ thành phố Hà Nội", "doha", ROOT_CODE, None),
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
# Electronic identifiers (QĐ 20/2020/QĐ-TTg; Điều 19 khoản 2), shaped as the decision lays them out under Hà Nội's
# level-1 code H26 (level 2 a sở or ward, level 3 its sub-units). Made up in that shape, not the codes issued.
ELECTRONIC_IDS = {ROOT_CODE: "000.00.00.H26", DOHA_CODE: "000.00.01.H26",
                  "01.STC": "000.00.02.H26", "01.STC.VP": "000.01.02.H26", "01.STC.NS": "000.02.02.H26",
                  "01.SGD": "000.00.03.H26", "01.SGD.TC": "000.01.03.H26", "01.SGD.THPT": "000.02.03.H26",
                  "01.00004": "000.00.04.H26", "01.00004.VP": "000.01.04.H26", "01.00004.KT": "000.02.04.H26",
                  "01.00004.PVHC": "000.03.04.H26"}
CATEGORY_BY_TYPE = {"doha": "cong_chuc", "department": "cong_chuc", "ward": "cap_xa"}
# Officers' own changes waiting for approval, each with its scan (hanoi-2024 Điều 6 khoản 3 asks a document of
# every change): (account, the day the information changed, when it was submitted, the other name it adds). The
# first is entered 7 working days after it happened, across Tết 2026: 2 working days late (SONG-CHANGE-001).
CHANGES = [("stc.canbo1", date(2026, 2, 13), datetime(2026, 3, 3, 3, 0, tzinfo=UTC), "Bình An"),
           ("sgd.canbo1", date(2026, 11, 23), datetime(2026, 11, 25, 3, 0, tzinfo=UTC), "Thu Hà")]
SCAN = b"%PDF-1.7\n% demo scan\n1 0 obj\n<<>>\nendobj\n"
# A person Sở Tài chính moves to Sở Giáo dục, awaiting the receiver's acceptance (Điều 12 khoản 1 điểm a): (the
# sending unit, the receiving unit, the sending agency's account, the decision's number).
TRANSFER = ("01.STC.NS", "01.SGD", "stc.admin", "215/QĐ-UBND")
# An officer who came in from outside the city and has not yet confirmed checking their record in the new unit
# (Điều 12 khoản 2.2 điểm c): their re-check task shows.
ARRIVED = ("bd.canbo1", date(2026, 11, 2))


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
    periods: list[OrgUnitPeriod] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)  # each version 1 announced


def citizen_id(rng: random.Random, birth: date, sex: str, used: set[str]) -> str:
    """A structurally valid 12-digit personal ID: province, century/sex digit, year, 6 random."""
    century_digit = 2 * ((birth.year - 1900) // 100) + (1 if sex == "F" else 0)
    while True:
        province = rng.choice(BIRTH_PROVINCES)
        value = f"{province}{century_digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if value not in used:
            used.add(value)
            return value


def insurance_numbers(citizen: str) -> dict[str, str]:
    """A social-insurance number (10 digits) and the health-insurance card carrying it (2 letters, the benefit
    level, the province, then that number), drawn from the citizen ID rather than the shared random source, so
    adding them moved no other demo value."""
    social = f"{int(hashlib.sha256(citizen.encode()).hexdigest(), 16) % 10**10:010d}"
    return {"social_insurance_no": social, "health_insurance_no": f"DN401{social}"}


def _unit(demo: Demo, code: str, name: str, type_: str, parent_code: str | None) -> OrgUnit:
    parent = demo.units.get(parent_code) if parent_code else None
    unit_id = uuid.UUID(int=demo.rng.getrandbits(128), version=4)
    path = (parent.path if parent else "/") + unit_id.hex + "/"
    unit = OrgUnit(id=unit_id, code=code, name=name, type=type_, parent_id=parent.id if parent else None,
                   path=path, valid_from=REFORM, electronic_id=ELECTRONIC_IDS[code])
    demo.units[code] = unit
    demo.periods.append(OrgUnitPeriod(org_unit_id=unit_id, name=name, type=type_, parent_id=unit.parent_id,
                                      path=path, valid_from=REFORM, event="created"))
    return unit


def _items(demo: Demo, unit: OrgUnit, sex: str, birth: date, category: str) -> dict[str, Any]:
    rng = demo.rng
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    recruited = date(max(birth.year + 22, 1990), rng.randint(1, 12), 1)
    rank = rng.choice(RANKS[category])
    scale = scale_of(rank)
    step = rng.randint(1, min(6, len(scale.coefficients))) if scale else None
    items = {
        "full_name": name, "sex": sex, "birth_date": birth.isoformat(),
        "citizen_id": citizen_id(rng, birth, sex, demo.used_ids),
        "ethnicity_code": rng.choice(ETHNICITY), "religion_code": "00",
        "birth_place": {"province": "Hà Nội"},
        "home_town": {"province": rng.choice(["Hà Nội", "Nam Định", "Thái Bình"])},
        "residence": {"commune": rng.choice(["phường Ba Đình", "phường Hoàn Kiếm", "phường Cầu Giấy"]),
                      "province": "Hà Nội"},
        "current_position": rng.choice(["Chuyên viên", "Phó trưởng phòng", "Trưởng phòng"]),
        "first_recruited_on": recruited.isoformat(), "joined_agency_on": recruited.isoformat(),
        "general_education": "12/12", "highest_qualification": rng.choice(["Đại học", "Thạc sĩ", "Tiến sĩ"]),
        "employing_unit": unit.name, "rank_code": rank, "salary_step": step,
        "salary_coefficient": str(scale.coefficient(step)) if scale and step else None,
        "phone": f"09{rng.randrange(10**8):08d}",
    }
    items |= insurance_numbers(str(items["citizen_id"]))
    if rng.random() < 0.6:
        items["party_joined_on"] = date(max(recruited.year + 2, 1995), rng.randint(1, 12), 1).isoformat()
    return ProfileItems.model_validate(items).model_dump(mode="json", exclude_none=True)


def _sections(demo: Demo, unit: OrgUnit, items: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    start = items["first_recruited_on"]
    return {
        "training-professional": [{"from_date": f"{int(start[:4]) - 4}-09-01", "to_date": f"{start[:4]}-06-01",
                                   "institution": demo.rng.choice(UNIVERSITIES), "award": "Cử nhân"}],
        "work-history": [{"from_date": start, "unit": unit.name, "title": "Chuyên viên"}],
    }


def _person(demo: Demo, unit: OrgUnit) -> tuple[Profile, list[Any]]:
    rng = demo.rng
    sex = rng.choice("MF")
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
    category = CATEGORY_BY_TYPE.get(unit.type, "vien_chuc" if "Trường" in unit.name else "cong_chuc")
    items = _items(demo, unit, sex, birth, category)
    profile = Profile(id=uuid.UUID(int=rng.getrandbits(128), version=4), org_unit_id=unit.id, category=category,
                      status="active", version=1, data={})
    records.apply_items(profile, items, demo.cipher)
    rows = records.section_rows(profile.id, _sections(demo, unit, items), demo.cipher)
    snapshot = records.snapshot(profile, items, records.read_sections(rows, demo.cipher, sensitive=True))
    sealed, key_id, digest = records.seal_snapshot(snapshot, demo.cipher)
    since = date.fromisoformat(items["joined_agency_on"])
    demo.outbox.append(outbox.announcing(profile_id=profile.id, version=1, change_request_id=None,
                                         org_unit_id=unit.id, reason="created", changed=sorted(items), digest=digest))
    return profile, [
        *rows, ProfileAssignment(profile_id=profile.id, org_unit_id=unit.id, valid_from=since, reason="created"),
        ProfileVersion(profile_id=profile.id, version=1, snapshot_enc=sealed, key_id=key_id, digest=digest,
                       changed=sorted(items), reason="created"),
    ]


def _pending_create(demo: Demo, unit: OrgUnit, admin: Account) -> list[Any]:
    """A new record the agency's HR entered and its approver has not yet approved (hanoi-2024 Điều 7: new data is
    approved too): the pending profile (version 0: no version row, no outbox row) and its `create` request."""
    profile, rows = _person(demo, unit)
    demo.outbox.pop()  # not announced: nothing is synced before approval
    profile.version = 0
    admin.id = admin.id or uuid.uuid4()
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    decision = _scan(profile, "quyet-dinh-tuyen-dung.pdf", admin.id)  # the recruitment decision, as its evidence
    request = ChangeRequest(id=uuid.uuid4(), kind="create", profile_id=profile.id, org_unit_id=unit.id, base_version=0,
                            state="submitted", payload={"event": "create"}, requested_by=admin.id, submitted_at=now,
                            attachment_ids=[str(decision.id)], occurred_on=local_day(now),
                            comment="Tiếp nhận hồ sơ mới")
    return [profile, *(r for r in rows if not isinstance(r, ProfileVersion)), decision, request,
            Decision(change_request_id=request.id, action="create", from_state="none", to_state="submitted",
                     actor_id=admin.id, actor_name=admin.username, at=now)]


def _scan(profile: Profile, filename: str, by: uuid.UUID) -> Attachment:
    return Attachment(id=uuid.uuid4(), profile_id=profile.id, filename=filename, content_type="application/pdf",
                      size=len(SCAN), sha256=hashlib.sha256(SCAN).hexdigest(), content=SCAN, uploaded_by=by)


def _transfer(demo: Demo, accounts: list[Account], people: list[Profile]) -> list[Any]:
    """TRANSFER, as profile-api stores a proposal: the decision's scan on the record, and the proposed transfer."""
    source, target, username, number = TRANSFER
    sender = next(a for a in accounts if a.username == username)
    sender.id = sender.id or uuid.uuid4()
    with_accounts = {a.profile_id for a in accounts}
    person = next(p for p in people if p.org_unit_id == demo.units[source].id and p.id not in with_accounts)
    scan = _scan(person, "quyet-dinh-dieu-dong.pdf", sender.id)
    return [scan, Transfer(kind="between_agencies", state="proposed", profile_id=person.id,
                           from_org_unit_id=person.org_unit_id, to_org_unit_id=demo.units[target].id,
                           effective_on=date(2027, 1, 1), decision_number=number,
                           decision_issued_on=date(2026, 11, 30), decision_issuer="UBND thành phố Hà Nội",
                           attachment_ids=[scan.id], comment="Điều động theo nhu cầu công tác",
                           proposed_by=sender.id)]


def _account(demo: Demo, *, role: str, username: str, unit: OrgUnit, kind: str = "person",
             profile: Profile | None = None, scopes: list[str] | None = None,
             must_change: bool = False) -> Account:
    password = new_password()
    demo.accounts.append(DemoAccount(role, username, password, str(unit.id)))
    display = profile.full_name if profile else username
    return Account(username=username, display_name=display, kind=kind, roles=[role],
                   scopes=scopes or [], org_unit_id=unit.id, profile_id=profile.id if profile else None,
                   secret_hash=hash_secret_sync(password), must_change_password=must_change)


def _changes(accounts: list[Account], people: list[Profile]) -> list[Any]:
    """CHANGES, as profile-api and approval-api would have stored them: the scan, the request flagged with its
    working days late under the default policy (Tết from the law's calendar), and its trail's first entry."""
    by_name, by_id = {a.username: a for a in accounts}, {p.id: p for p in people}
    policy, rows = resolve_policy(DEFAULT_POLICY), []
    for username, occurred, submitted, other_name in CHANGES:
        account = by_name[username]
        account.id = account.id or uuid.uuid4()
        assert account.profile_id is not None
        person = by_id[account.profile_id]
        scan = _scan(person, "giay-xac-nhan.pdf", account.id)
        request = ChangeRequest(id=uuid.uuid4(), profile_id=person.id, org_unit_id=person.org_unit_id, base_version=1,
                                state="submitted", payload={"items": {"other_names": other_name}},
                                attachment_ids=[str(scan.id)], requested_by=account.id, submitted_at=submitted,
                                occurred_on=occurred,
                                late_working_days=policy.self_update_late_by(occurred, local_day(submitted)),
                                comment="Bổ sung tên gọi khác")
        rows += [scan, request, Decision(change_request_id=request.id, action="create", from_state="none",
                                         to_state="submitted", actor_id=account.id, actor_name=username, at=submitted)]
    return sorted(rows, key=lambda row: ["Attachment", "ChangeRequest", "Decision"].index(type(row).__name__))


def build(seed: int, cipher: FieldCipher,
          profiles_per_leaf: int = 24) -> tuple[list[Any], list[dict[str, Any]], list[DemoAccount]]:
    """The rows to insert (in dependency order), the outbox rows announcing each version 1, and the demo
    logins."""
    demo = Demo(rng=random.Random(seed), cipher=cipher)
    units = [_unit(demo, code, name, type_, parent) for code, name, type_, parent, _ in UNITS]
    made = [_person(demo, u) for u in units if u.type != "province"
            for _ in range(profiles_per_leaf if u.type == "sub_unit" else 8)]
    people = [profile for profile, _ in made]
    root, doha = demo.units[ROOT_CODE], demo.units[DOHA_CODE]
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
    # DOHA's own unit syncs like any sở (Điều 15 khoản 1): with an agency account of its own, whose batches a
    # DOHA administrator (snv.admin, at the root) decides — never the account that submitted them.
    accounts.append(_account(demo, role="agency_admin", username="snv.agency", unit=doha, kind="agency"))
    # DOHA's inspector (Điều 19 khoản 6): reads the province's audit log, never a record.
    accounts.append(_account(demo, role="auditor", username="snv.auditor", unit=root))
    accounts.append(_account(demo, role="hr_system", username="hr.hanoi", unit=root, kind="client",
                             scopes=["profiles:read", "org-units:read"]))
    accounts.append(_account(demo, role="service", username="svc.approval-api", unit=root, kind="client",
                             scopes=["profiles:apply"]))
    accounts.append(_account(demo, role="service", username="svc.sync-gateway", unit=root, kind="client",
                             scopes=["profiles:read", "profiles:incoming", "change-requests:return"]))
    dependents = sorted((row for _, rows in made for row in rows), key=lambda row: type(row).__name__)
    first_admin = next(a for a in accounts if a.roles == ["agency_admin"] and a.kind == "agency")
    pending = _pending_create(demo, next(u for u in units if u.id == first_admin.org_unit_id), first_admin)
    arrived = next(a.profile_id for a in accounts if a.username == ARRIVED[0])
    next(p for p in people if p.id == arrived).incoming_on = ARRIVED[1]
    return ([*units, *demo.periods, *people, *dependents, *accounts, *_changes(accounts, people), *pending,
             *_transfer(demo, accounts, people)], demo.outbox, demo.accounts)


async def insert(session: AsyncSession, rows: list[Any], announcements: list[dict[str, Any]]) -> None:
    """What `build` made, in one transaction."""
    previous: type | None = None
    for row in rows:
        # No ORM relationships tell the unit of work the order, so flush parents first.
        if isinstance(row, OrgUnit) or type(row) is not previous:
            await session.flush()
        previous = type(row)
        session.add(row)
    await session.flush()
    await outbox.append(session, announcements)


async def load(session: AsyncSession, cipher: FieldCipher, seed: int = 2026) -> list[DemoAccount] | None:
    """Inserts the demo once; returns the logins, or None when the demo was already there."""
    if (await session.execute(select(OrgUnit.id).where(OrgUnit.code == ROOT_CODE))).first():
        return None
    rows, announcements, logins = build(seed, cipher)
    await insert(session, rows, announcements)
    return logins
