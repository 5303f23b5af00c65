"""The workforce statistics' pure parts: qualification and training levels, rank groups, age bands, and
who was inside a subtree when (the rules as the oracle states them; the database's reading of them is checked
against it in test_statistics_equality.py)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from hoso_shared.codes import RANKS
from hoso_shared.codes.rank_groups import MAIN_GROUPS, rank_group
from profile_api.reports.statistics import levels, tally
from tests.profile_api.reports import statistics_oracle as membership
from tests.profile_api.reports.workforce import GROUP


class TestPureParts:
    @pytest.mark.parametrize(("text", "level"), [
        ("Đại học", "dai_hoc"), ("Cử nhân Luật", "dai_hoc"), ("Kỹ sư xây dựng", "dai_hoc"),
        ("ThS. Quản lý công", "thac_si"), ("Thạc sĩ", "thac_si"), ("TSKH", "tien_si"), ("Tiến sĩ Kinh tế", "tien_si"),
        ("Cao đẳng", "cao_dang"),
        ("trung cấp", "trung_cap"), ("12/12", "other"), ("  ", "none"), (None, "none")])
    def test_qualification_levels(self, text: str | None, level: str) -> None:
        assert levels.level_of(text, levels.QUALIFICATION) == level

    def test_the_highest_training_counts(self) -> None:
        assert levels.highest(["Sơ cấp", "Cử nhân chính trị", "Trung cấp"], levels.POLITICAL_THEORY) == "cao_cap"
        assert levels.highest(["Bồi dưỡng ngạch chuyên viên chính", "Chuyên viên"],
                              levels.STATE_MANAGEMENT) == "chuyen_vien_chinh"
        assert levels.highest(["CVCC"], levels.STATE_MANAGEMENT) == "chuyen_vien_cao_cap"
        assert levels.highest(["Chứng chỉ A", None], levels.POLITICAL_THEORY) == "other"
        assert levels.highest([], levels.POLITICAL_THEORY) == "none"

    def test_rank_groups(self) -> None:
        assert {code: rank_group(code) for code in GROUP} == GROUP
        assert all(rank_group(entry.code) in MAIN_GROUPS for entry in RANKS)
        assert rank_group("99.999") is None

    def test_age_is_in_full_years_on_the_day(self) -> None:
        born = date(1996, 7, 1)
        assert [tally.age_band(tally.age_on(born, d)) for d in (date(2026, 6, 30), date(2026, 7, 1))] == [
            "under_30", "30_39"]
        assert [tally.age_band(a) for a in (39, 40, 59, 60, 75)] == ["30_39", "40_49", "50_59", "60_over", "60_over"]

    def test_stays_join_moves_inside_and_end_at_leaving(self) -> None:
        x, y, person = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        inside = membership.inside_spans([
            membership.UnitPeriod(x, date(2025, 7, 1), None, True),
            membership.UnitPeriod(y, date(2025, 7, 1), date(2026, 1, 1), True),
            membership.UnitPeriod(y, date(2026, 1, 1), None, False)])
        assert inside[x] == [(date.min, date.max)] and inside[y] == [(date.min, date(2026, 1, 1))]
        stays = membership.stays([
            membership.Assignment(person, y, date(2010, 1, 1), date(2015, 1, 1), None),
            membership.Assignment(person, x, date(2015, 1, 1), None, date(2026, 5, 10))], inside)
        assert stays == {person: [(date(2010, 1, 1), date(2026, 5, 10))]}
        assert membership.present_on(stays, date(2026, 5, 9)) == {person}
        assert membership.present_on(stays, date(2026, 5, 10)) == set()
        assert membership.left_during(stays, date(2015, 1, 1), date(2015, 12, 31)) == set()
        assert membership.left_during(stays, date(2026, 1, 1), date(2026, 12, 31)) == {person}
