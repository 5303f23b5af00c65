"""Records on the 2008 and 1998 forms map into the TT 06/2023 model, code-listed names to codes."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.form import ProfileItems
from hoso_shared.form.legacy import LegacyRecordError, fold, from_legacy
from tests.factories import bearer, make_account, make_unit, principal_for

BNV_2008: dict[str, Any] = {
    "1": "TRẦN THỊ BÍCH NGỌC", "2": "Ngọc", "3": {"date": "07/03/1978", "sex": "Nữ"},
    "4": "xã Hải Anh, huyện Hải Hậu, tỉnh Nam Định", "5": "Hải Hậu, Nam Định", "6": "Kinh", "7": "Không",
    "8": "số 5 Hàng Bài, Hoàn Kiếm, Hà Nội", "9": "phường Ba Đình, TP Hà Nội", "10": "Giáo viên",
    "11": {"date": "01/09/2001", "body": "Sở Giáo dục và Đào tạo Hà Nội"}, "12": "Phó trưởng phòng",
    "14": {"rank_code": "01.002", "step": 3, "coefficient": "5.08"}, "15.1": "12/12", "15.2": "Thạc sĩ",
    "16": {"joined": "19/05/2005", "official": "19/05/2006"}, "21": "Bằng khen Bộ GD&ĐT 2015",
    "23": {"status": "Tốt", "height": 158, "weight": 52, "blood": "O"}, "25": {"cmnd": "012345678"},
    "27": [{"institution": "Trường Đại học Sư phạm Hà Nội", "major": "Ngữ văn", "from": "09/1996",
            "to": "06/2000", "mode": "Chính quy", "award": "Cử nhân"}],
    "28": [{"from": "09/2001", "to": "08/2015", "description": "Giáo viên, Trường THPT Phan Đình Phùng"}],
    "30": {"a": [{"relation": "Mẹ", "full_name": "Lê Thị Hoa", "birth_year": 1950}], "b": []},
    "31": [{"from": "09/2012", "rank_code": "01.003", "step": 4, "coefficient": "3.33"}],
}
TCTW_98: dict[str, Any] = {
    "1": "ĐỖ VĂN HÙNG", "4": {"date": "12/12/1968", "sex": "Nam"}, "8": "Mường", "9": "Phật giáo",
    "10": "nông dân", "12": {"date": "01/03/1990", "body": "UBND huyện Ba Vì"},
    "14": {"joined": "03/02/1995"}, "16": {"enlisted": "01/03/1986", "discharged": "01/03/1989", "rank": "Trung sĩ"},
    "19": {"rank_code": "01.003", "step": 5}, "24": {"status": "Bình thường"},
}


class TestLegacyMapping:
    def test_2c_bnv_2008(self) -> None:
        items, sections = from_legacy("2c-bnv-2008", BNV_2008, citizen_id="036178001234")
        valid = ProfileItems.model_validate(items)
        assert valid.full_name == "Trần Thị Bích Ngọc" and valid.sex == "F"
        assert str(valid.birth_date) == "1978-03-07" and valid.ethnicity_code == "01" and valid.religion_code == "00"
        assert valid.birth_place is not None and valid.birth_place.district == "huyện Hải Hậu"
        assert valid.rank_code == "01.002" and str(valid.salary_coefficient) == "5.08"
        assert str(valid.party_official_on) == "2006-05-19" and valid.blood_group == "O"
        assert valid.legacy_notes is not None and valid.legacy_notes["2c-bnv-2008:cmnd"] == "012345678"
        assert "Hàng Bài" in valid.legacy_notes["2c-bnv-2008:8"]  # hộ khẩu has no TT 06 item: kept
        assert sections["training-professional"][0]["from_date"] == "1996-09-01"
        assert sections["family"][0]["full_name"] == "Lê Thị Hoa"
        assert sections["salary-history"][0]["coefficient"] == "3.33"

    def test_2c_tctw_98(self) -> None:
        items, _ = from_legacy("2c-tctw-98", TCTW_98, citizen_id="001068009876")
        valid = ProfileItems.model_validate(items)
        assert valid.ethnicity_code == "06" and valid.religion_code == "01"
        assert valid.family_origin == "nông dân" and valid.highest_military_rank == "Trung sĩ"
        assert str(valid.enlisted_on) == "1986-03-01"

    @pytest.mark.parametrize(("patch", "message"), [
        ({"6": "Không có dân tộc này"}, "item 6"), ({"3": {"date": "31/02/1978", "sex": "Nữ"}}, "real date"),
        ({"3": {"date": "07/03/1978", "sex": "?"}}, "Nam nor Nữ"),
    ])
    def test_unmappable_items_say_which(self, patch: dict[str, Any], message: str) -> None:
        with pytest.raises(LegacyRecordError, match=message):
            from_legacy("2c-bnv-2008", {**BNV_2008, **patch}, citizen_id="036178001234")

    def test_names_match_loosely(self) -> None:
        assert fold("Ba‑na") == fold("Ba na") == fold("BA-NA")
        items, _ = from_legacy("2c-bnv-2008", {**BNV_2008, "6": "ba na"}, citizen_id="036178001234")
        assert items["ethnicity_code"] == "13"


class TestLegacyRoute:
    async def test_creates_a_profile(self, session: AsyncSession, profile_api: AsyncClient,
                                     token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = await make_account(session, unit=unit)
        auth = bearer(token_issuer, principal_for(admin, unit))
        body = {"form": "2c-bnv-2008", "org_unit_id": str(unit.id), "category": "vien_chuc",
                "citizen_id": "036178001234", "record": BNV_2008}
        created = await profile_api.post("/api/v1/profiles/legacy", headers=auth, json=body)
        assert created.status_code == 201, created.text
        assert created.json()["items"]["full_name"] == "Trần Thị Bích Ngọc"
        assert len(created.json()["sections"]["work-history"]) == 1
        bad = await profile_api.post("/api/v1/profiles/legacy", headers=auth,
                                     json={**body, "citizen_id": "036178009999", "record": {**BNV_2008, "6": "X"}})
        assert bad.status_code == 422 and "item 6" in bad.json()["detail"]
