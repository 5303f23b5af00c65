"""The retention rule, tested as the pure function it is, and the dump names it reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso_backup import plan, prune
from hoso_backup.names import checksum_path, dump_name, manifest_path, signature_path


def n(stamp: str) -> str:
    """`2025-04-30T0100` → the dump's file name."""
    return dump_name(datetime.fromisoformat(stamp))


def e(stamp: str) -> str:
    """The encrypted dump's file name."""
    return dump_name(datetime.fromisoformat(stamp), encrypted=True)


RETENTION_CASES = [
    pytest.param("2025-05-15", [], [], id="nothing"),
    pytest.param("2025-05-15", [n("2025-05-01T0200"), n("2025-05-08T0200"), n("2025-05-15T0100")], [],
                 id="every dump of the current month stays"),
    pytest.param("2025-05-15", [n("2025-04-01T0200"), n("2025-04-15T0200"), n("2025-04-30T2359")],
                 [n("2025-04-01T0200"), n("2025-04-15T0200")], id="only the newest of last month stays"),
    pytest.param("2025-05-15", [n("2025-02-28T0200"), n("2025-02-01T0200"), n("2025-01-31T0200")],
                 [n("2025-02-01T0200"), n("2025-01-31T0200")], id="three months back stays, four goes"),
    pytest.param("2025-05-01", [n("2025-01-31T235959"), n("2025-02-01T000000"), n("2025-05-01T000000")],
                 [n("2025-01-31T235959")], id="month boundary by a second"),
    pytest.param("2025-02-10", [n("2024-10-31T0200"), n("2024-11-30T0200"), n("2024-12-01T0200"),
                                n("2024-12-31T0200"), n("2025-01-31T0200")],
                 [n("2024-10-31T0200"), n("2024-12-01T0200")], id="across the new year"),
    pytest.param("2025-01-01", [n("2024-09-30T0200"), n("2024-10-01T0200"), n("2024-12-31T2359")],
                 [n("2024-09-30T0200")], id="on new year's day"),
    pytest.param("2025-05-15", ["hoso-2025-04-30.dump", "hoso-2025-04-30T010000.dump"], ["hoso-2025-04-30.dump"],
                 id="a date-only name counts as midnight"),
    pytest.param("2025-05-15", [n("2025-07-01T0000"), n("2025-06-01T0000")], [], id="future-dated dumps stay"),
    pytest.param("2025-05-15", [n("2024-11-30T0200"), n("2024-12-31T0200"), n("2025-01-31T0200")],
                 [n("2024-11-30T0200"), n("2024-12-31T0200")], id="a gap in months is not filled with older dumps"),
    pytest.param("2025-05-15", [n("2024-12-31T0200"), n("2025-01-31T0200"), n("2025-01-01T0200")],
                 [n("2024-12-31T0200"), n("2025-01-01T0200")], id="the newest dump is never deleted, however old"),
    pytest.param("2025-05-15", [e("2025-04-01T0200"), e("2025-04-30T0200"), n("2025-03-31T0200"),
                                e("2025-01-31T0200")],
                 [e("2025-04-01T0200"), e("2025-01-31T0200")], id="encrypted dumps (.dump.age) follow the same rule"),
    pytest.param("2025-05-15", ["README.txt", "hoso-2024-01-01T000000.dump.sha256",
                                ".hoso-2024-01-01T000000.dump.partial", "hoso-2024-02-30.dump",
                                "hoso-2024-01-01T000000.sql", "other-2024-01-01.dump"],
                 [], id="files not named like a dump are never touched"),
]


@pytest.mark.parametrize(("today", "names", "deleted"), RETENTION_CASES)
def test_retention_plan(today: str, names: list[str], deleted: list[str]) -> None:
    decided = plan(names, date.fromisoformat(today))
    assert decided.delete == sorted(deleted)
    assert set(decided.keep) | set(decided.delete) <= set(names)
    assert not set(decided.keep) & set(decided.delete)


def test_retention_keeps_more_months_when_asked_and_never_fewer_than_three() -> None:
    names = [n(f"2024-{month:02d}-28T0200") for month in range(1, 13)]
    assert plan(names, date(2025, 1, 5), keep_months=6).keep == names[-6:]
    assert plan(names, date(2025, 1, 5)).keep == names[-3:]
    for months in (2, 1, 0, -1):
        with pytest.raises(ValueError, match="at least 3 months"):
            plan(names, date(2025, 1, 5), keep_months=months)


@given(st.lists(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31)),  # noqa: DTZ001
                max_size=40, unique=True),
       st.dates(min_value=date(2025, 12, 31), max_value=date(2026, 6, 30)),
       st.integers(min_value=3, max_value=12))
def test_retention_keeps_each_months_newest_dump_at_least_keep_months(
        taken: list[datetime], today: date, keep_months: int) -> None:
    names = [dump_name(when.replace(microsecond=0)) for when in taken]
    decided = plan(names, today, keep_months)
    by_month: dict[tuple[int, int], list[datetime]] = {}
    for when in {when.replace(microsecond=0) for when in taken}:
        by_month.setdefault((when.year, when.month), []).append(when)
    for (year, month), stamps in by_month.items():
        newest = dump_name(max(stamps))
        month_ends = date(year + month // 12, month % 12 + 1, 1)
        age_months = (today.year - month_ends.year) * 12 + today.month - month_ends.month
        if age_months < keep_months:  # the month ended less than keep_months whole months ago
            assert newest in decided.keep
        kept = [dump_name(s) for s in stamps if dump_name(s) in decided.keep]
        assert len(kept) <= 1 or (year, month) == (today.year, today.month)


def test_prune_deletes_dumps_with_their_sidecars_and_nothing_else(tmp_path: Path) -> None:
    old, kept = e("2024-01-31T0200"), e("2025-04-30T0200")
    for name in (old, kept):
        for path in (tmp_path / name, checksum_path(tmp_path / name), manifest_path(tmp_path / name),
                     signature_path(tmp_path / name)):
            path.write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert prune(tmp_path, date(2025, 5, 15)) == [tmp_path / old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [kept, f"{kept}.sha256", f"{kept}.manifest.json", f"{kept}.manifest.jws", "notes.txt"])


@given(st.lists(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)),  # noqa: DTZ001
                min_size=1, max_size=30, unique=True),
       st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)))
def test_retention_never_deletes_the_newest_dump(taken: list[datetime], today: date) -> None:
    """Điều 11 khoản 1 (kept at least three months): whatever the clock says, the last backup stays."""
    names = [dump_name(when.replace(microsecond=0)) for when in taken]
    assert max(names) in plan(names, today).keep


def test_dump_names_round_trip_and_sort_by_time() -> None:
    stamps = [datetime(2025, 1, 2, 3, 4, 5) + timedelta(hours=7 * i) for i in range(50)]  # noqa: DTZ001
    names = [dump_name(s) for s in stamps]
    assert names == sorted(names)
