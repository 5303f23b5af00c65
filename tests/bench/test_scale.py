"""The scale benchmark's pure parts (bench/scale): its table, and the workbook it imports — built from the
template profile-api serves and accepted whole by the current import, at a tiny size. The benchmark itself
(`make bench-scale`) prints figures and asserts nothing; it is not run here."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from bench.scale.report import Figure, markdown_table, text_table
from bench.scale.workbook import People, Unit, build_workbook, flat
from httpx import AsyncClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Profile, ProfileSectionRow
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import run


class TestTable:
    def test_a_time_is_over_its_baseline_and_a_rate_under_it(self) -> None:
        slow = Figure("scorecard", 30.0, "s", baseline=2.0, baseline_what="COPY out")
        rate = Figure("import", 500.0, "rows/s", baseline=50_000.0, baseline_what="COPY in")
        assert slow.ratio == 15.0
        assert rate.ratio == 100.0  # the raw path is 100 times faster: the same reading as for a time

    def test_a_failure_shows_its_error_and_no_ratio(self) -> None:
        failed = Figure("import", None, "rows/s", "HTTP 413: Request body too large", 50_000.0, "COPY in")
        timed_out = Figure("scorecard", 900.2, "s", "timed out after 900 s", 2.0, "COPY out")
        assert failed.ratio is None and timed_out.ratio is None
        table = markdown_table([failed, timed_out])
        assert "| import | FAILED: HTTP 413: Request body too large | COPY in: 50,000 rows/s |  |" in table
        assert "| scorecard | FAILED after 900 s: timed out after 900 s | COPY out: 2.00 s |  |" in table
        given_up = Figure("approvals", 13.0, "records/s", "given up after 900 s: 12,000 of 22,001 approved")
        assert "| approvals | FAILED: given up after 900 s: 12,000 of 22,001 approved |" in markdown_table([given_up])

    def test_rows_are_formatted_by_unit(self) -> None:
        figures = [Figure("export", 151.3, "s", baseline=1.93, baseline_what="COPY out", goal="≤ 30 s"),
                   Figure("stall", 6512.0, "ms", baseline=12.4, baseline_what="idle p50", note="max"),
                   Figure("idle", 31.04, "%", goal="< 2% of a core"), Figure("rss", 607.4, "MB", baseline=183.0,
                                                                            baseline_what="once ready"),
                   Figure("nan", math.nan, "ms")]
        lines = markdown_table(figures).splitlines()
        assert lines[0] == "| what | measured | raw baseline (same run) | ratio | goal (issue 17) |"
        assert lines[2] == "| export | 151 s | COPY out: 1.93 s | 78× | ≤ 30 s |"
        assert lines[3] == "| stall | 6.51 s (max) | idle p50: 12.4 ms | 525× |  |"
        assert lines[4] == "| idle | 31.0% of a core |  |  | < 2% of a core |"
        assert lines[5] == "| rss | 607 MB | once ready: 183 MB | 3.32× |  |"
        assert lines[6] == "| nan | – |  |  |  |"

    def test_the_terminal_table_clips_long_cells_and_a_pipe_is_escaped_in_markdown(self) -> None:
        figure = Figure("x" * 80, 1.0, "s", note="a | b")
        assert len(text_table([figure]).splitlines()[1].split("  ")[0]) == 46
        assert "1.00 s (a \\| b)" in markdown_table([figure])


def test_flat_spreads_a_place_over_its_columns() -> None:
    assert flat({"full_name": "Lê Văn An", "birth_place": {"province": "Hà Nội", "commune": "Xã Đông Anh"}}) == {
        "full_name": "Lê Văn An", "birth_place.province": "Hà Nội", "birth_place.commune": "Xã Đông Anh"}


def _trimmed(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows without their trailing empty cells (a write-only workbook stores none)."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    return out


async def test_the_workbook_follows_the_template_and_the_import_takes_every_row(
        session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer) -> None:
    root = await make_unit(session, type="province")
    units = [await make_unit(session, parent=root, type="sub_unit", name=name)
             for name in ("Văn phòng Sở", "Trường THPT Chu Văn An")]
    admin = await make_account(session, unit=root, role="doha_admin")
    auth = bearer(token_issuer, principal_for(admin, root))
    client: AsyncClient = await client_for("profile-api")
    template = (await client.get("/api/v1/bulk/template.xlsx", headers=auth)).raise_for_status().content
    content = build_workbook(template, People([Unit(u.code, u.name) for u in units], seed=5).rows(24))
    built, given = _sheets(content), _sheets(template)
    assert list(built) == list(given)
    filled = {next(iter(given)): 24, "work-history": 24, "training-professional": 24}  # a row per person
    for name, rows in given.items():  # each sheet: the template's header, then its rows; the others as they are
        assert built[name][0] == rows[0]
        assert len(built[name]) == 1 + filled[name] if name in filled else built[name] == rows
    job = await run(client, auth, content, filename="province.xlsx", mode="all_or_nothing")
    assert (job["state"], job["created_count"], job["error_count"]) == ("done", 24, 0), job
    stored = select(func.count()).select_from(ProfileSectionRow).join(Profile).where(
        Profile.org_unit_id.in_([u.id for u in units]), ProfileSectionRow.section == "work-history")
    assert (await session.execute(stored)).scalar_one() == 24  # so the records can pass DU-QTCT-001


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's rows, without trailing empty cells (a write-only workbook stores none)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {sheet.title: _trimmed(list(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets}
    finally:
        workbook.close()
