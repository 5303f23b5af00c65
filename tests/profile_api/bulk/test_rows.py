"""Row checks and file reading on their own (pure functions, no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from profile_api.bulk import files
from profile_api.bulk.rows import check_row
from tests.factories import CIPHER
from tests.profile_api.bulk.helpers import People, csv_bytes, xlsx_bytes

TODAY = date(2026, 11, 23)


def good() -> dict[str, object]:
    return {**People(31).person("U.1"), "party_joined_on": None}


class TestCheckRow:
    def test_a_good_row_gives_the_full_item_set(self) -> None:
        row = check_row(7, good(), today=TODAY, cipher=CIPHER)
        assert row.reasons == [] and row.number == 7 and row.unit_code == "U.1"
        assert row.items is not None and row.items["home_town"] == {
            "commune": "Xã Giao Thủy", "district": None, "province": "Ninh Bình", "detail": None}
        assert row.citizen_id_hmac == CIPHER.lookup_hash(row.items["citizen_id"], field="citizen_id")

    def test_vietnamese_dates_and_date_cells(self) -> None:
        cells = {**good(), "birth_date": "05/03/1990", "citizen_id": "001090000123", "sex": "M",
                 "first_recruited_on": datetime(2015, 4, 1)}  # noqa: DTZ001 - as openpyxl reads a date cell
        row = check_row(2, cells, today=TODAY, cipher=CIPHER)
        assert row.reasons == []
        assert row.items is not None
        assert (row.items["birth_date"], row.items["first_recruited_on"]) == ("1990-03-05", "2015-04-01")

    def test_every_reason_is_collected(self) -> None:
        cells = {**good(), "org_unit_code": None, "category": "x", "full_name": " ", "sex": "M",
                 "birth_date": 19850517, "citizen_id": 1085012345, "phone": "abc",
                 "general_education": date(2012, 12, 1), "salary_coefficient": "2.345",
                 "first_recruited_on": "2027-01-01"}
        row = check_row(9, cells, today=TODAY, cipher=CIPHER)
        assert row.items is None
        assert row.reasons == [
            "birth_date: không phải ngày (ghi theo dạng YYYY-MM-DD hoặc DD/MM/YYYY)",
            "citizen_id: ô đang chứa số; hãy ghi dạng văn bản để giữ các chữ số 0 ở đầu",
            "general_education: ô đang chứa ngày tháng; hãy ghi giá trị dạng văn bản",
            "org_unit_code: bắt buộc, chưa có giá trị",
            "category: phải là một trong các giá trị can_bo, cong_chuc, vien_chuc, cap_xa",
            "full_name: bắt buộc, chưa có giá trị",
            "phone: không đúng định dạng",
            "salary_coefficient: có nhiều hơn 2 chữ số thập phân",
            "first_recruited_on: là ngày trong tương lai",
        ]

    @pytest.mark.parametrize(("citizen_id", "reason"), [
        ("000085012345", "citizen_id: 3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh"),
        ("001185012345", "citizen_id: chữ số thứ 4 ứng với giới tính nữ (F), nhưng giới tính ghi là nam (M)"),
        ("001086012345", "citizen_id: chữ số thứ 4–6 ứng với năm sinh 1986, nhưng ngày sinh ghi năm 1985"),
        ("001285012345", "citizen_id: chữ số thứ 4–6 ứng với năm sinh 2085, nhưng ngày sinh ghi năm 1985"),
    ])
    def test_citizen_id_structure(self, citizen_id: str, reason: str) -> None:
        cells = {**good(), "citizen_id": citizen_id, "sex": "M", "birth_date": date(1985, 5, 17)}
        assert check_row(2, cells, today=TODAY, cipher=CIPHER).reasons == [reason]

    def test_digits_of_another_script_are_a_reason_not_a_crash(self) -> None:
        """"²".isdigit() is true but int("²") fails: such an ID is refused by its pattern like any other text (it
        stopped the whole import on an internal error; found by tests/fuzz)."""
        cells = {**good(), "citizen_id": "²" * 12}
        row = check_row(2, cells, today=TODAY, cipher=CIPHER)
        assert row.items is None and row.citizen_id_hmac is None
        assert [r.split(":")[0] for r in row.reasons] == ["citizen_id"]


class TestFiles:
    def test_sniff(self) -> None:
        assert files.sniff(xlsx_bytes([])) == "xlsx"
        assert files.sniff(csv_bytes([])) == files.sniff(csv_bytes([], bom=False)) == "csv"
        assert files.sniff("tên".encode("cp1258")) is None
        assert files.sniff(b"PK\x03\x04junk") is None

    @pytest.mark.parametrize("make", [xlsx_bytes, csv_bytes])
    def test_blank_rows_are_skipped_but_keep_their_numbers(self, make: object) -> None:
        people = People(32).people("U.1", 3)
        content = make([people[0], {}, {}, people[1], people[2]])  # type: ignore[operator]
        book = files.open_book(content, files.sniff(content) or "csv")
        header, rows = files.sheet_rows(book, files.data_sheet(book))
        assert header[:3] == ["org_unit_code", "category", "full_name"]
        assert [number for number, _ in rows] == [2, 5, 6]

    def test_a_formula_without_a_result_reads_as_empty(self) -> None:
        """openpyxl writes "=1+2" as a formula with no cached value: Excel shows it empty, and so does the reader
        (it stopped the round trip of an export on a ValueError)."""
        book = files.open_book(xlsx_bytes([{"full_name": "=1+2"}], columns=["full_name"]), "xlsx")
        _, rows = files.sheet_rows(book, "profiles")
        assert list(rows) == []

    def test_no_row_cap_only_the_byte_limit(self) -> None:
        """The 50,000-row cap is gone (issue 17): a file is limited by HOSO_IMPORT_MAX_BYTES alone."""
        assert not hasattr(files, "MAX_ROWS")
