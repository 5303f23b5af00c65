"""The Sạch and Sống rules at their edges: what they flag, what they leave alone, the fixes they offer,
the fast paths that must never hide a finding, and malformed input that must not crash them."""

from __future__ import annotations

import copy
import random
import unicodedata
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso_shared import deadlines
from hoso_shared.validation import RULES, ChangeFact, CitizenCheck, Context, DuplicateCandidate, Fix, judge
from hoso_shared.validation.normalise import (
    normalise_date,
    normalise_email,
    normalise_multiline,
    normalise_name,
    normalise_phone,
    normalise_text,
    place_text,
)
from hoso_shared.validation.rules import cleanliness, duplicates
from tests.validation.make_golden_sach_song import context as golden_context
from tests.validation.make_golden_sach_song import person

TODAY = date(2026, 11, 23)
MINE = [code for code in RULES if code.startswith(("SACH-", "SONG-"))]


def record(**items: Any) -> dict[str, Any]:
    base = person(random.Random(7))
    base["items"].update(items)
    return base


def run(code: str, rec: dict[str, Any], context: Context | None = None) -> list[Any]:
    rule = RULES[code]
    return [rule.finding(hit) for hit in rule.check(rec, context or Context(today=TODAY))]


class TestNormalisers:
    @pytest.mark.parametrize(("raw", "name"), [
        ("  NGUYỄN   văn  đạt ", "Nguyễn Văn Đạt"), ("đỗ thị ĐÀO", "Đỗ Thị Đào"), ("lê\u00a0văn an", "Lê Văn An"),
        (unicodedata.normalize("NFD", "trần thị ánh"), "Trần Thị Ánh"), ("o'neil", "O'neil"), ("giê-su", "Giê-su"),
    ])
    def test_name(self, raw: str, name: str) -> None:
        assert normalise_name(raw) == name

    @pytest.mark.parametrize(("raw", "phone"), [
        ("+84 912 345 678", "0912345678"), ("0084912345678", "0912345678"), ("84912345678", "0912345678"),
        ("+84 (0) 912.345.678", "0912345678"), ("024 3825 1234", "02438251234"), ("0912345678", "0912345678"),
        ("8412345", "8412345"),  # too short to be a country code: left as digits
    ])
    def test_phone(self, raw: str, phone: str) -> None:
        assert normalise_phone(raw) == phone

    def test_email_lowers_only_the_domain(self) -> None:
        assert normalise_email("  Nguyen.An@SoNoiVu.HaNoi.GOV.vn ") == "Nguyen.An@sonoivu.hanoi.gov.vn"
        assert normalise_email("no at sign ") == "no at sign"

    @pytest.mark.parametrize(("raw", "iso"), [
        ("12/04/1985", "1985-04-12"), ("1/2/2026", "2026-02-01"), ("31.12.1999", "1999-12-31"),
        ("1985-04-12", "1985-04-12"), ("31/02/2026", "31/02/2026"), (" 4/1985 ", "4/1985"),
    ])
    def test_date(self, raw: str, iso: str) -> None:
        assert normalise_date(raw) == iso

    def test_multiline_keeps_paragraphs(self) -> None:
        assert normalise_multiline("\n  Một  dòng \r\n\n\n\nHai\tdòng  \n\n") == "Một dòng\n\nHai dòng"

    def test_place_text(self) -> None:
        assert place_text({"commune": " Phường Ba Đình", "province": "Thành phố Hà Nội", "district": None}) \
            == "Phường Ba Đình, Thành phố Hà Nội"
        assert place_text({}) is None and place_text(None) is None and place_text("  Hà Nội ") == "Hà Nội"


class TestText:
    def test_a_clean_record_has_no_sach_or_song_findings(self) -> None:
        context = Context.from_json(golden_context(random.Random(1)))
        assert not [f for f in judge(record(), context).findings if f.code in MINE]

    def test_fix_names_the_cell_and_carries_the_normal_form(self) -> None:
        rec = record()
        rec["sections"]["work-history"][0]["unit"] = unicodedata.normalize("NFD", " Sở  Nội vụ ")
        (finding,) = run("SACH-TEXT-001", rec)
        assert finding.field == "work-history[0].unit" and finding.fix == Fix("work-history[0].unit", "Sở Nội vụ")
        assert "NFC" in finding.message_en and "whitespace" in finding.message_en

    def test_places_and_long_text(self) -> None:
        rec = record(main_duties="Một.\n\nHai.", employer_assessment="Tốt. \n")
        rec["items"]["residence"]["commune"] = "Phường  Ba Đình"
        found = {f.field: f.fix.value for f in run("SACH-TEXT-001", rec) if f.fix}
        assert found == {"residence.commune": "Phường Ba Đình", "employer_assessment": "Tốt."}

    def test_codes_numbers_and_dates_are_not_text(self) -> None:
        rec = record(religion_code=" 00", salary_coefficient="3.00 ", citizen_id_issued_on="2021-05-10 ")
        assert run("SACH-TEXT-001", rec) == []

    def test_a_number_where_text_belongs_does_not_crash(self) -> None:
        rec = record(employing_unit=42, main_duties=["a"], residence="Hà Nội  ")
        rec["sections"]["work-history"].append("not a row")
        assert run("SACH-TEXT-001", rec) == [] and run("SACH-JUNK-001", rec) == []

    @given(st.lists(st.text(alphabet="aăâđêôơư AĐ\t\u00a0\u0301\u0323x-.N/", max_size=12), min_size=1, max_size=4))
    def test_fast_path_never_hides_a_finding(self, values: list[str]) -> None:
        rec = record()
        for key, value in zip(("employing_unit", "health_status", "main_duties", "strengths"), values, strict=False):
            rec["items"][key] = value
        slow_text = [f for f, _, _ in cleanliness.texts(rec, cleanliness._untidy)]
        assert [f.field for f in run("SACH-TEXT-001", rec)] == slow_text
        slow_junk = [f for f, v, _ in cleanliness.texts(rec, cleanliness._placeholder)
                     if normalise_text(v).casefold() in cleanliness.NAME_JUNK or f not in cleanliness.NAME_ITEMS]
        assert [f.field for f in run("SACH-JUNK-001", rec)] == slow_junk


class TestNames:
    def test_person_alias_and_relatives(self) -> None:
        rec = record(full_name="NGUYỄN VĂN AN", other_names="bé Tí")
        rec["sections"]["family"] = [{"relation": "Mẹ", "full_name": "trần thị lan", "birth_year": 1950}]
        fixes = {f.field: f.fix.value for f in run("SACH-NAME-001", rec) if f.fix}
        assert fixes == {"full_name": "Nguyễn Văn An", "other_names": "Bé Tí", "family[0].full_name": "Trần Thị Lan"}

    def test_spacing_alone_is_not_a_capitalisation_problem(self) -> None:
        assert run("SACH-NAME-001", record(full_name=" Nguyễn  Văn An ")) == []

    def test_the_value_is_not_repeated_in_the_message(self) -> None:
        (finding,) = run("SACH-NAME-001", record(full_name="nguyễn văn an"))
        assert "nguyễn" not in finding.message_vi.casefold()

    @given(st.text(alphabet="aăđêôơưáàảạếệỹAĂĐÊÔƠƯÁẾ -'İıßǅ", max_size=20))
    def test_fast_check_agrees_with_the_normaliser(self, value: str) -> None:
        if cleanliness.tidy(value) and cleanliness.capitalised(value):
            assert normalise_name(value) == value


class TestPhone:
    @pytest.mark.parametrize(("phone", "codes"), [
        ("0912345678", set()), ("02438251234", set()), ("0912 345 678", {"SACH-PHONE-001"}),
        ("84912345678", {"SACH-PHONE-001"}), ("0112345678", {"SACH-PHONE-002"}), ("091234567", {"SACH-PHONE-002"}),
        ("+1 202 555 0100", {"SACH-PHONE-002"}),
    ])
    def test_codes(self, phone: str, codes: set[str]) -> None:
        found = run("SACH-PHONE-001", record(phone=phone)) + run("SACH-PHONE-002", record(phone=phone))
        assert {f.code for f in found} == codes
        assert all(phone not in f.message_vi and phone not in f.message_en for f in found)  # a sensitive item

    def test_fix(self) -> None:
        (finding,) = run("SACH-PHONE-001", record(phone="+84 912 345 678"))
        assert finding.fix == Fix("phone", "0912345678")


class TestPlaceholders:
    @pytest.mark.parametrize("value", ["Không", "KHÔNG", " không ", "N/A", "n/a", "NA", "...", "…", "-", "X", "0",
                                       "Chưa có", unicodedata.normalize("NFD", "chưa  có")])
    def test_placeholder_words(self, value: str) -> None:
        (finding,) = run("SACH-JUNK-001", record(policy_category=value))
        assert finding.field == "policy_category" and finding.severity.value == "error"

    @pytest.mark.parametrize("value", ["Không có thông tin nào khác", "Con liệt sĩ", "00", "Xã", "Na Rì"])
    def test_real_values(self, value: str) -> None:
        assert run("SACH-JUNK-001", record(policy_category=value)) == []

    def test_na_is_a_name(self) -> None:
        rec = record(other_names="Na")
        rec["sections"]["family"] = [{"relation": "Em gái", "full_name": "Na", "birth_year": 1995}]
        assert run("SACH-JUNK-001", rec) == []
        assert [f.field for f in run("SACH-JUNK-001", record(other_names="-"))] == ["other_names"]

    def test_codes_are_not_free_text(self) -> None:
        assert run("SACH-JUNK-001", record(religion_code="00", ethnicity_code="01", salary_step=0)) == []

    def test_placeholder_dates(self) -> None:
        rec = record(party_joined_on="1900-01-01", enlisted_on="1899-12-30", birth_date="1985-01-01")
        rec["sections"]["training-professional"][0]["to_date"] = "1900-01-01"
        rec["sections"]["work-history"].append("not a row")
        fields = {f.field for f in run("SACH-JUNK-002", rec)}
        assert fields == {"party_joined_on", "enlisted_on", "training-professional[0].to_date"}

    def test_a_real_first_of_january_is_fine(self) -> None:
        assert run("SACH-JUNK-002", record(birth_date="1970-01-01")) == []


def _candidate(rec: dict[str, Any], **changes: Any) -> DuplicateCandidate:
    items = rec["items"]
    values = {"profile_id": "p-9", "full_name": items["full_name"], "birth_date": date.fromisoformat(
        items["birth_date"]), "birth_place": place_text(items["birth_place"]), "same_citizen_id": False, **changes}
    return DuplicateCandidate(**values)


class TestDuplicates:
    def test_same_id_is_an_error_and_outranks_the_suspicion(self) -> None:
        rec = record()
        context = Context(today=TODAY, candidates=(_candidate(rec, same_citizen_id=True),))
        assert [f.code for f in judge(rec, context).findings if f.code.startswith("SACH-DUP")] == ["SACH-DUP-001"]

    @pytest.mark.parametrize(("name", "expected"), [
        ("Nguyễn Văn An", True), ("NGUYỄN  VĂN AN", True), ("Văn An Nguyễn", True), ("Nguyễn Văn Anh", True),
        ("Nguyễn An", False), ("Trần Văn An", False), ("Nguyen Van An", False),
    ])
    def test_name_threshold(self, name: str, expected: bool) -> None:
        rec = record(full_name="Nguyễn Văn An")
        found = run("SACH-DUP-002", rec, Context(today=TODAY, candidates=(_candidate(rec, full_name=name),)))
        assert bool(found) is expected

    def test_score_in_the_message(self) -> None:
        rec = record(full_name="Nguyễn Văn An")
        (finding,) = run("SACH-DUP-002", rec, Context(today=TODAY, candidates=(
            _candidate(rec, full_name="Nguyễn Văn Anh"),)))
        assert "96%" in finding.message_vi and "p-9" in finding.message_en

    def test_birth_place(self) -> None:
        assert duplicates.places_agree("Phường Ba Đình, Thành phố Hà Nội", "Thành phố Hà Nội")
        assert duplicates.places_agree("Phường Ba Đình, Thành phố Hà Nội", None)
        assert not duplicates.places_agree("Phường Ba Đình, Thành phố Hà Nội", "Phường Hoàn Kiếm, Thành phố Hà Nội")
        assert not duplicates.places_agree("Xã Giao Thủy, Tỉnh Ninh Bình", "Xã Giao Thủy, Tỉnh Nam Định")

    def test_other_birth_date(self) -> None:
        rec = record()
        context = Context(today=TODAY, candidates=(_candidate(rec, birth_date=date(1960, 1, 1)),))
        assert run("SACH-DUP-002", rec, context) == []


class TestLiveness:
    def test_month_arithmetic(self) -> None:
        assert deadlines.month_end(date(2028, 2, 3)) == date(2028, 2, 29)
        assert deadlines.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
        assert deadlines.add_months(date(2025, 11, 30), 12) == date(2026, 11, 30)
        assert deadlines.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)

    @pytest.mark.parametrize(("today", "found"), [(date(2026, 10, 31), False), (date(2026, 11, 1), True)])
    def test_window_ends_with_the_month(self, today: date, found: bool) -> None:
        context = Context(today=today, changes=(liveness_change("2026-10-31", "submitted"),))
        (finding, *_) = run("SONG-APPROVE-001", {}, context) or [None]
        assert (finding is not None) is found
        if finding:
            assert "27/10–31/10/2026" in finding.message_vi

    def test_review_and_check_only_for_serving_people(self) -> None:
        stale = Context(today=TODAY, reviewed_at=datetime.fromisoformat("2024-01-01T09:00:00+07:00"),
                        citizen_check=CitizenCheck(date(2024, 1, 1), "match"))
        assert {f.code for f in judge({"status": "active"}, stale).findings} >= {"SONG-REVIEW-001", "SONG-CITIZEN-001"}
        assert not {f.code for f in judge({"status": "retired"}, stale).findings} & {"SONG-REVIEW-001",
                                                                                      "SONG-CITIZEN-001"}

    def test_missing_review_and_check_are_advice(self) -> None:
        assert RULES["SONG-REVIEW-002"].severity.value == RULES["SONG-CITIZEN-002"].severity.value == "info"
        report = judge({"status": "active"}, Context(today=TODAY))
        assert {"SONG-REVIEW-002", "SONG-CITIZEN-002"} <= report.codes()

    @pytest.mark.parametrize(("approved", "acknowledged", "found"), [
        ("2026-11-15T23:00:00+07:00", None, True), ("2026-11-16T00:30:00+07:00", None, False),
        ("2026-11-01T10:00:00", "2026-11-01T16:00:00+07:00", True),  # naive is UTC: 10:00Z after 09:00Z
        ("2026-11-01T10:00:00", "2026-11-01T18:00:00+07:00", False),
    ])
    def test_acknowledgement(self, approved: str, acknowledged: str | None, found: bool) -> None:
        context = Context(today=TODAY, approved_at=datetime.fromisoformat(approved),
                          acknowledged_at=datetime.fromisoformat(acknowledged) if acknowledged else None)
        assert bool(run("SONG-SYNC-001", {}, context)) is found


def liveness_change(entered: str, state: str) -> ChangeFact:
    day = date.fromisoformat(entered)
    return ChangeFact(day, day, state)


class TestRobustness:
    @pytest.mark.parametrize("rec", [{}, {"items": {}, "sections": {}}, {"items": {"full_name": None, "phone": ""},
                                                                         "sections": {"family": [{}]}}])
    def test_empty_and_sparse_records(self, rec: dict[str, Any]) -> None:
        context = Context(today=TODAY, candidates=(DuplicateCandidate("p", "A", date(2000, 1, 1), None),))
        for code in MINE:
            run(code, copy.deepcopy(rec), context)
