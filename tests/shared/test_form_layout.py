"""The sơ yếu lý lịch's layout (hoso_shared.form.layout) is the TT 06/2023/TT-BNV form (QĐ 6187/QĐ-UBND Điều 6
khoản 1): every item and every table in it once, in the form's order, labelled with the form's words."""

from __future__ import annotations

from hoso_shared.form import SECTIONS, ProfileItems, layout


def test_every_item_and_table_is_on_the_form_once() -> None:
    keys = [f.key for line in layout.lines().values() for f in line.fields]
    assert sorted(keys) == sorted(ProfileItems.model_fields) and len(keys) == len(set(keys))
    assert sorted(layout.tables()) == sorted(SECTIONS)


def test_the_parts_follow_the_forms_numbering() -> None:
    """The header, 1–29, 30 (its heading, then 30.1–30.3), 31, 32 (heading, tables 32.1–32.6), 33 … 38; the
    items an older form had and TT 06/2023 has not come last."""
    numbers = [(type(p).__name__, p.number) for p in layout.layout()]
    assert numbers[:3] == [("Line", layout.HEADER), ("Line", "1"), ("Line", "2")]
    assert numbers[29:34] == [("Line", "29"), ("Heading", "30"), ("Line", "30.1"), ("Line", "30.2"), ("Line", "30.3")]
    later = [n for _, n in numbers[numbers.index(("Heading", "34")):]]
    assert later == ["34", "34.1", "34.2", "34.3", "35", "35.1", "35.2", "36", "36.1", "36.2", "37", "37.1", "37.2",
                     "37.3", "38", ""]


def test_labels_are_the_forms_words_without_their_numbers() -> None:
    assert layout.label_of("full_name") == "Họ và tên khai sinh"
    assert layout.label_of("rank_code") == "Ngạch/chức danh nghề nghiệp: mã số"
    assert layout.label_of("file_number") == "Số hiệu"  # its description explains; the form says this
    assert layout.label_of("work-history") == "Tóm tắt quá trình công tác"
    assert [c.label for c in layout.tables()["work-history"].columns] == [
        "Từ (tháng/năm)", "Đến (tháng/năm)", "Đơn vị công tác", "Chức danh / chức vụ"]
    assert layout.tables()["family"].sensitive and not layout.tables()["awards"].sensitive
    assert next(f for f in layout.lines()["8"].fields if f.key == "citizen_id").sensitive
