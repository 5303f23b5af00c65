"""The Đúng and Đủ rules at their edges: code lists, dates and periods, salary scales, the population
DB, required items, required evidence. Pure and fast: records are dicts, no database."""

from __future__ import annotations

import copy
import typing
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso_shared.deadlines import HANOI_2024, ND27_2026
from hoso_shared.form import SECTIONS, Category, ProfileItems, Status
from hoso_shared.form.base import Period
from hoso_shared.validation import RULES, ChangeFact, CitizenCheck, Context, Finding, judge
from hoso_shared.validation.rules import codes, completeness, date_scan, dates, evidence, population, salary

TODAY = date(2026, 11, 23)
CONTEXT = Context(today=TODAY, citizen_check=CitizenCheck(date(2026, 9, 1), "match"))
SALARIED = {"rank_code", "salary_step", "salary_coefficient", "first_recruited_on", "highest_qualification"}
MINE = sorted(code for code in RULES if code.startswith(("DUNG-", "DU-")))
BASE: dict[str, Any] = {
    "profile_id": "p-1", "org_unit_id": "u-1", "category": "cong_chuc", "status": "active",
    "items": {
        "full_name": "Nguyễn Thị Lan", "sex": "F", "birth_date": "1984-07-09", "citizen_id": "001184012345",
        "ethnicity_code": "01", "religion_code": "00", "birth_place": {"province": "Thành phố Hà Nội"},
        "home_town": {"commune": "Xã Giao Thủy", "province": "Tỉnh Ninh Bình"},
        "residence": {"commune": "Phường Ba Đình", "province": "Thành phố Hà Nội"}, "phone": "0912345678",
        "first_recruited_on": "2008-03-03", "joined_agency_on": "2014-08-01", "highest_qualification": "Đại học",
        "rank_code": "01.003", "salary_step": 3, "salary_coefficient": "3.00", "salary_effective_on": "2014-03-01",
    },
    "sections": {
        "training-professional": [{"from_date": "2002-09-01", "to_date": "2006-06-01",
                                   "institution": "Học viện Hành chính Quốc gia", "award": "Cử nhân"}],
        "work-history": [{"from_date": "2008-03-01", "to_date": "2014-08-01", "unit": "Sở Tài chính"},
                         {"from_date": "2014-08-01", "to_date": None, "unit": "Sở Nội vụ"}],
        "salary-history": [
            {"from_date": "2008-03-01", "to_date": "2011-03-01", "rank_code": "01.003", "salary_step": 1,
             "coefficient": "2.34"},
            {"from_date": "2011-03-01", "to_date": "2014-03-01", "rank_code": "01.003", "salary_step": 2,
             "coefficient": "2.67"},
            {"from_date": "2014-03-01", "to_date": None, "rank_code": "01.003", "salary_step": 3,
             "coefficient": "3.00"}],
    },
}


def record(category: str = "cong_chuc", status: str = "active", **items: Any) -> dict[str, Any]:
    """The clean base record with these items (None removes one)."""
    result = copy.deepcopy(BASE)
    result.update(category=category, status=status)
    for key, value in items.items():
        if value is None:
            result["items"].pop(key, None)
        else:
            result["items"][key] = value
    return result


def found(code: str, rec: dict[str, Any], context: Context = CONTEXT) -> list[Finding]:
    return list(judge(rec, context, [RULES[code]]).findings)


def fields(code: str, rec: dict[str, Any], context: Context = CONTEXT) -> list[str | None]:
    return [f.field for f in found(code, rec, context)]


class TestTablesStayInStep:
    def test_the_base_record_is_clean(self) -> None:
        assert judge(record(), CONTEXT, [RULES[c] for c in MINE]).codes() == set()

    def test_date_labels_cover_exactly_the_date_items_of_the_form(self) -> None:
        date_fields = {name for name, f in ProfileItems.model_fields.items() if f.annotation in (date, date | None)}
        assert set(dates.DATE_ITEMS) == date_fields == set(date_scan.DATE_KEYS)

    def test_section_labels_cover_exactly_the_period_tables(self) -> None:
        periods = {name for name, (_, model, _) in SECTIONS.items() if issubclass(model, Period)}
        assert set(dates.SECTION_LABELS) == set(dates.PERIOD_SECTIONS) == periods

    def test_required_tables_name_real_items_and_every_category_and_status(self) -> None:
        items = set(ProfileItems.model_fields)
        required = {f for fs in (*completeness.REQUIRED_BY_CATEGORY.values(),
                                 *completeness.REQUIRED_BY_STATUS.values()) for f in fs}
        assert required <= items and required == set(completeness.LABELS)
        assert set(completeness.REQUIRED_BY_CATEGORY) == set(completeness.CATEGORIES) == set(typing.get_args(Category))
        assert set(completeness.REQUIRED_BY_STATUS) == set(typing.get_args(Status))

    def test_evidence_and_identity_tables_name_real_items_or_tables(self) -> None:
        assert set(evidence.EVIDENCE) <= set(ProfileItems.model_fields) | set(SECTIONS)
        assert set(population.IDENTITY) <= set(ProfileItems.model_fields)

    @pytest.mark.parametrize("code", MINE)
    def test_vietnamese_messages_are_written_with_their_diacritics(self, code: str) -> None:
        message = RULES[code].message_vi
        assert unicodedata.is_normalized("NFC", message)
        assert set(message) & set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


class TestCodeLists:
    @pytest.mark.parametrize(("value", "fix"), [("Kinh", "01"), ("Ba na", "13"), ("H'Mông", "08"), ("giẻ triêng", "27"),
                                                ("1", "01"), (7, "07"), ("99", None), ("00", None)])
    def test_unlisted_ethnicity_is_an_error_with_the_code_it_evidently_means(self, value: Any, fix: str | None) -> None:
        (finding,) = found("DUNG-DANTOC-001", record(ethnicity_code=value))
        assert finding.field == "ethnicity_code"
        assert (finding.fix.value if finding.fix else None) == fix

    @pytest.mark.parametrize("value", ["01", "54", "55", "", None])
    def test_listed_or_absent_ethnicity_is_not_an_error(self, value: Any) -> None:
        assert found("DUNG-DANTOC-001", record(ethnicity_code=value)) == []

    def test_extension_codes_are_a_warning(self) -> None:
        (finding,) = found("DUNG-DANTOC-002", record(ethnicity_code="56"))
        assert finding.severity.value == "warning" and "Không rõ" in finding.message_vi
        assert found("DUNG-DANTOC-002", record(ethnicity_code="05")) == []

    @pytest.mark.parametrize(("value", "fix"), [("Phật giáo", "01"), ("Không", "00"), ("Thiên Chúa giáo", "02"),
                                                ("17", None)])
    def test_unlisted_religion(self, value: str, fix: str | None) -> None:
        (finding,) = found("DUNG-TONGIAO-001", record(religion_code=value))
        assert (finding.fix.value if finding.fix else None) == fix

    def test_unlisted_rank_in_the_item_and_in_a_salary_row(self) -> None:
        rec = record(rank_code="01.999")
        rec["sections"]["salary-history"][1]["rank_code"] = "9.9"
        assert fields("DUNG-NGACH-001", rec) == ["rank_code", "salary-history[1].rank_code"]

    def test_odd_values_do_not_break_the_code_rules(self) -> None:
        rec = record(ethnicity_code=["01"], religion_code={"code": "00"}, rank_code=True)
        assert len(judge(rec, CONTEXT, [RULES[c] for c in ("DUNG-DANTOC-001", "DUNG-TONGIAO-001",
                                                           "DUNG-NGACH-001")]).findings) == 3

    def test_fold_ignores_case_accents_spaces_and_hyphens(self) -> None:
        assert codes.fold("Gié-Triêng") == codes.fold("giẻ triêng") == "gietrieng"


class TestDates:
    @pytest.mark.parametrize(("value", "future"), [("2026-11-23", False), ("2026-11-24", True),
                                                   ("2026-11-23T23:59:00", False), ("2027-01-01", True),
                                                   ("2026-13-45", False), ("sau này", False)])
    def test_future_items(self, value: str, future: bool) -> None:
        assert fields("DUNG-NGAY-001", record(citizen_id_issued_on=value)) == (["citizen_id_issued_on"] if future
                                                                               else [])

    def test_a_row_starting_this_month_is_not_future_but_next_month_is(self) -> None:
        rec = record()
        rec["sections"]["training-it"] = [{"from_date": "2026-11-01", "institution": "A"},
                                          {"from_date": "2026-12-01", "institution": "B"}]
        assert fields("DUNG-NGAY-001", rec) == ["training-it[1].from_date"]

    def test_before_birth_compares_items_by_day_and_rows_by_month(self) -> None:
        rec = record(citizen_id_issued_on="1984-07-08")
        rec["sections"]["training-it"] = [{"from_date": "1984-07-01", "institution": "A"},
                                          {"from_date": "1984-06-01", "institution": "B"}]
        assert fields("DUNG-NGAY-002", rec) == ["citizen_id_issued_on", "training-it[1].from_date"]

    @pytest.mark.parametrize(("recruited", "flagged"), [("2002-07-09", False), ("2002-07-08", True),
                                                        ("2049-07-08", False), ("2049-07-09", True)])
    def test_working_age_at_first_recruitment(self, recruited: str, flagged: bool) -> None:
        rec = record(first_recruited_on=recruited, joined_agency_on="2049-08-01")
        assert bool(found("DUNG-NGAY-003", rec)) is flagged

    def test_recruitment_before_birth_is_reported_once(self) -> None:
        rec = record(first_recruited_on="1980-01-01")
        assert judge(rec, CONTEXT, [RULES["DUNG-NGAY-002"], RULES["DUNG-NGAY-003"]]).codes() == {"DUNG-NGAY-002"}

    def test_order_of_related_dates(self) -> None:
        assert found("DUNG-NGAY-004", record(joined_agency_on="2008-03-03")) == []  # same day is fine
        (finding,) = found("DUNG-NGAY-004", record(party_joined_on="2010-05-19", party_official_on="2010-05-19"))
        assert finding.field == "party_official_on" and "phải sau" in finding.message_vi

    def test_reversed_period_names_its_end(self) -> None:
        rec = record()
        rec["sections"]["work-history"][0]["to_date"] = "2007-01-01"
        (finding,) = found("DUNG-NGAY-005", rec)
        assert finding.field == "work-history[0].to_date" and "03/2008" in finding.message_vi

    def test_rows_out_of_time_order_are_a_warning(self) -> None:
        rec = record()
        rec["sections"]["salary-history"].reverse()
        (finding,) = found("DUNG-NGAY-006", rec)
        assert finding.field == "salary-history" and finding.severity.value == "warning"

    def test_sharing_the_boundary_month_is_not_an_overlap(self) -> None:
        assert found("DUNG-QTCT-001", record()) == [] and found("DUNG-QTL-001", record()) == []

    def test_work_overlap_is_a_warning(self) -> None:
        rec = record()
        rec["sections"]["work-history"][0]["to_date"] = None
        (finding,) = found("DUNG-QTCT-001", rec)
        assert finding.field == "work-history[1].from_date" and finding.severity.value == "warning"

    def test_salary_overlap_is_an_error_with_the_earlier_row_closed_as_fix(self) -> None:
        rec = record()
        rec["sections"]["salary-history"][0]["to_date"] = None
        findings = found("DUNG-QTL-001", rec)
        assert [f.field for f in findings] == ["salary-history[1].from_date", "salary-history[2].from_date"]
        assert findings[0].fix is not None and findings[0].fix.field == "salary-history[0].to_date"
        assert findings[0].fix.value == "2011-03-01"

    @settings(database=None, max_examples=300, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 40))), max_size=6))
    def test_overlaps_agree_with_the_definition(self, spans: list[tuple[int, int | None]]) -> None:
        table = [{"from_date": f"20{a:02d}-01-01", "to_date": None if b is None else f"20{b:02d}-01-01"}
                 for a, b in spans]
        order = sorted(range(len(spans)), key=lambda i: (spans[i][0], i))
        ends = [99 if end is None else end for _, end in spans]
        expected = {i for k, i in enumerate(order) for j in order[:k] if spans[i][0] < ends[j]}
        assert {later for _, later in dates.overlaps(table)} == expected


class TestSalary:
    def test_step_outside_the_scale_with_the_step_its_coefficient_gives(self) -> None:
        (finding,) = found("DUNG-LUONG-001", record(salary_step=10))
        assert finding.field == "salary_step" and finding.fix is not None and finding.fix.value == 3
        assert found("DUNG-LUONG-002", record(salary_step=10)) == []  # no step, nothing to compare

    @pytest.mark.parametrize("value", ["3.00", "3.0", "3", 3, 3.0, "3.000"])
    def test_coefficient_spellings_of_the_same_number_pass(self, value: Any) -> None:
        assert found("DUNG-LUONG-002", record(salary_coefficient=value)) == []

    @pytest.mark.parametrize("value", ["3.33", "ba", "NaN", 3.01, ["3.00"]])
    def test_wrong_coefficient_is_an_error_with_the_scale_value(self, value: Any) -> None:
        (finding,) = found("DUNG-LUONG-002", record(salary_coefficient=value))
        assert finding.fix is not None and finding.fix.value == "3.00"

    def test_salary_history_rows_are_checked_too(self) -> None:
        rec = record()
        rec["sections"]["salary-history"][1].update(coefficient="2.76")
        rec["sections"]["salary-history"][2].update(rank_code="01.005", salary_step=13)
        assert fields("DUNG-LUONG-002", rec) == ["salary-history[1].coefficient"]
        assert fields("DUNG-LUONG-001", rec) == ["salary-history[2].salary_step"]

    def test_unknown_rank_or_missing_values_are_left_to_other_rules(self) -> None:
        assert found("DUNG-LUONG-002", record(rank_code="01.999", salary_coefficient="9.99")) == []
        assert found("DUNG-LUONG-002", record(salary_coefficient=None)) == []
        assert found("DUNG-LUONG-001", record(salary_step=None)) == []

    def test_spellings(self) -> None:
        assert salary.spellings(Decimal("3.00")) == {"3.00", "3.0", "3"}
        assert salary.spellings(Decimal("10.00")) == {"10.00", "10.0", "10"}
        assert salary.spellings(Decimal("2.34")) == {"2.34"}


class TestPopulationDatabase:
    def test_mismatch_names_each_field(self) -> None:
        check = CitizenCheck(date(2026, 9, 1), "mismatch", ("full_name", "sex"))
        findings = found("DUNG-DANCU-001", record(), Context(today=TODAY, citizen_check=check))
        assert [f.field for f in findings] == ["full_name", "sex"]
        assert "họ và tên" in findings[0].message_vi and "01/09/2026" in findings[0].message_vi

    def test_the_register_s_coded_items_are_named_too(self) -> None:
        """QĐ MIC 2021 (the register verifies and fills in personal information): an ethnicity or religion that
        differs from the register's is a finding that names the item."""
        check = CitizenCheck(date(2026, 9, 1), "mismatch", ("ethnicity_code", "religion_code"))
        findings = found("DUNG-DANCU-001", record(), Context(today=TODAY, citizen_check=check))
        assert [f.field for f in findings] == ["ethnicity_code", "religion_code"]
        assert "dân tộc" in findings[0].message_vi and "tôn giáo" in findings[1].message_vi

    def test_mismatch_without_fields_still_counts(self) -> None:
        check = CitizenCheck(date(2026, 9, 1), "mismatch")
        assert fields("DUNG-DANCU-001", record(), Context(today=TODAY, citizen_check=check)) == [None]

    @pytest.mark.parametrize(("result", "code"), [("not_found", "DUNG-DANCU-002"), ("match", None)])
    def test_not_found(self, result: Any, code: str | None) -> None:
        context = Context(today=TODAY, citizen_check=CitizenCheck(date(2026, 9, 1), result))
        assert judge(record(), context, [RULES["DUNG-DANCU-001"], RULES["DUNG-DANCU-002"]]).codes() == (
            {code} if code else set())

    def test_no_check_is_not_a_correctness_finding(self) -> None:
        rules = [RULES["DUNG-DANCU-001"], RULES["DUNG-DANCU-002"]]
        assert judge(record(), Context(today=TODAY), rules).codes() == set()


class TestCompleteness:
    @pytest.mark.parametrize(("category", "extra"), [
        ("can_bo", {"current_position"}), ("cong_chuc", SALARIED), ("vien_chuc", SALARIED),
        ("cap_xa", {"current_position", "first_recruited_on"}),
    ])
    def test_required_items_by_category(self, category: str, extra: set[str]) -> None:
        rec = record(category)
        rec["items"] = {}
        assert set(fields("DU-TRUONG-001", rec)) == set(completeness.COMMON) | extra

    @pytest.mark.parametrize("value", ["", "   ", {}, {"commune": None, "province": "  "}, []])
    def test_blank_values_are_missing(self, value: Any) -> None:
        assert fields("DU-TRUONG-001", record(home_town=value)) == ["home_town"]

    def test_a_place_with_one_part_is_enough(self) -> None:
        assert found("DU-TRUONG-001", record(home_town={"province": "Tỉnh Nghệ An"})) == []

    def test_an_unknown_category_needs_what_every_record_needs(self) -> None:
        rec = record("hop_dong", "active", rank_code=None)
        assert found("DU-TRUONG-001", rec) == []
        assert fields("DU-TRUONG-001", record("hop_dong", residence=None)) == ["residence"]

    @pytest.mark.parametrize(("status", "last_end", "flagged"), [
        ("active", None, False), ("active", "2026-11-01", False), ("active", "2026-10-01", True),
        ("retired", "2025-07-01", False), ("deceased", "2024-10-01", False)])
    def test_current_work_row(self, status: str, last_end: str | None, flagged: bool) -> None:
        rec = record(status=status)
        rec["sections"]["work-history"][-1]["to_date"] = last_end
        assert bool(found("DU-QTCT-001", rec)) is flagged

    @pytest.mark.parametrize(("category", "flagged"), [("cong_chuc", True), ("vien_chuc", True),
                                                       ("can_bo", False), ("cap_xa", False)])
    def test_professional_training_is_expected_of_civil_servants_and_public_employees(
            self, category: str, flagged: bool) -> None:
        rec = record(category)
        rec["sections"]["training-professional"] = []
        findings = found("DU-DAOTAO-001", rec)
        assert bool(findings) is flagged and all(f.severity.value == "warning" for f in findings)


class TestEvidence:
    @pytest.mark.parametrize(("state", "needs", "has", "flagged"), [
        ("submitted", True, False, True), ("draft", True, False, True), ("applied", True, False, True),
        ("submitted", True, True, False), ("submitted", False, False, False), ("withdrawn", True, False, False),
        ("rejected", True, False, False)])
    def test_a_change_that_needs_a_document_must_have_one(self, state: str, needs: bool, has: bool,
                                                          flagged: bool) -> None:
        """DOMAIN's list, as every policy asks it (judged under nd27-2026, which asks nothing more)."""
        change = ChangeFact(date(2026, 11, 19), date(2026, 11, 20), state, needs_evidence=needs, has_evidence=has)
        context = Context(today=TODAY, policy=ND27_2026, changes=(change,))
        assert bool(found("DU-MINHCHUNG-001", record(), context)) is flagged

    @pytest.mark.parametrize(("state", "has", "flagged"), [
        ("submitted", False, True), ("draft", False, True), ("applied", False, True), ("submitted", True, False),
        ("withdrawn", False, False), ("rejected", False, False)])
    def test_under_hanoi_2024_every_change_needs_its_document(self, state: str, has: bool, flagged: bool) -> None:
        """QĐ 6187 Điều 6 khoản 3: every update ("do có thay đổi, hiệu chỉnh") is entered with the digitised
        document the competent authority confirmed, so a change DOMAIN's list does not name (a phone number)
        needs one too: the rule reads the context's policy."""
        change = ChangeFact(date(2026, 11, 19), date(2026, 11, 20), state, needs_evidence=False, has_evidence=has)
        assert bool(found("DU-MINHCHUNG-001", record(), Context(today=TODAY, policy=HANOI_2024,
                                                                changes=(change,)))) is flagged
        assert not found("DU-MINHCHUNG-001", record(), Context(today=TODAY, policy=ND27_2026, changes=(change,)))

    @pytest.mark.parametrize(("changed", "needs"), [
        (["full_name"], True), (["salary-history[2].coefficient"], True), (["training-it"], True),
        (["current_position"], True), (["discipline"], True), (["phone"], False), (["residence", "phone"], False),
        (["status"], True), (["org_unit_id", "status"], True)])
    def test_which_changes_need_evidence(self, changed: list[str], needs: bool) -> None:
        """DOMAIN's list, and lifecycle events' decisions (QĐ 6187 Điều 12), under every policy."""
        assert evidence.needs_evidence(changed) is needs
        assert evidence.needs_evidence(changed, ND27_2026) is needs
        assert evidence.needs_evidence(changed, HANOI_2024)  # Điều 6 khoản 3: every change

    def test_what_a_payload_changes(self) -> None:
        """The names the evidence check reads: items, tables and lifecycle keys (not the event's details)."""
        assert evidence.changed_names({"items": {"phone": "1", "full_name": "A"}, "sections": {"awards": []}}) == [
            "awards", "full_name", "phone"]
        assert evidence.changed_names({"status": "retired", "event": "retire", "effective_on": "2026-12-31",
                                       "decision": {"number": "1"}}) == ["status"]
        assert evidence.evidence_fields(["phone", "full_name"], ND27_2026) == ["full_name"]
        assert evidence.evidence_fields(["phone", "full_name"], HANOI_2024) == ["phone", "full_name"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["2026-11-23", "2027-01-01", "1984-07-09", "1900-01-01", "01.003", "3.00", "01", "55", " "]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
ROW = st.dictionaries(st.sampled_from(["from_date", "to_date", "rank_code", "salary_step", "coefficient", "unit"]),
                      JSON, max_size=6)
ODD_RECORDS = st.fixed_dictionaries({
    "category": st.sampled_from(["cong_chuc", "vien_chuc", "can_bo", "cap_xa", "", None]) | JSON,
    "status": st.sampled_from(["active", "retired", None]) | JSON,
    "items": st.dictionaries(st.sampled_from(sorted(ProfileItems.model_fields)), JSON, max_size=15),
    "sections": st.dictionaries(st.sampled_from(sorted(SECTIONS)), st.lists(ROW | JSON, max_size=4) | JSON,
                                max_size=5),
})


class TestRobustness:
    @settings(database=None, max_examples=200, deadline=None)
    @given(ODD_RECORDS, st.sampled_from(["match", "mismatch", "not_found"]))
    def test_odd_values_never_break_a_rule_or_its_messages(self, rec: dict[str, Any], result: Any) -> None:
        """Every rule, not only these: a record of any shape gets findings, never an exception (the
        compiled engine also checks the types its functions declare)."""
        context = Context(today=TODAY, citizen_check=CitizenCheck(date(2026, 9, 1), result, ("sex", "x")),
                          reviewed_at=datetime(2025, 1, 1, tzinfo=UTC))
        for finding in judge(rec, context).findings:
            assert finding.message_vi and finding.message_en

    @pytest.mark.parametrize(("step", "flagged"), [(3, False), ("3", False), (3.0, False), (True, True),
                                                   (3.5, True), ("²", True)])
    def test_how_a_step_may_be_written(self, step: Any, flagged: bool) -> None:
        assert bool(found("DUNG-LUONG-001", record(salary_step=step))) is flagged
