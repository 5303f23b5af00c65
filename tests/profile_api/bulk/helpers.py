"""Building import files in the test (openpyxl / csv) and driving an import job to its end."""

from __future__ import annotations

import asyncio
import csv
import io
import random
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from hoso_devstack.demo import FAMILY, GIVEN, MIDDLE, citizen_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = ["org_unit_code", "category", "full_name", "sex", "birth_date", "citizen_id", "ethnicity_code",
        "religion_code", "birth_place.province", "home_town.commune", "home_town.province", "rank_code",
        "salary_step", "salary_coefficient", "phone", "general_education", "highest_qualification",
        "first_recruited_on", "employing_unit", "party_joined_on"]


class People:
    """Valid people: Vietnamese names, citizen IDs consistent with sex and birth year, unique."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def person(self, unit_code: str) -> dict[str, Any]:
        rng = self.rng
        sex = rng.choice("MF")
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        return {
            "org_unit_code": unit_code, "category": rng.choice(["cong_chuc", "vien_chuc"]),
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            "sex": sex, "birth_date": birth, "citizen_id": citizen_id(rng, birth, sex, self.used),
            "ethnicity_code": "01", "religion_code": "00", "birth_place.province": "Hà Nội",
            "home_town.commune": "Xã Giao Thủy", "home_town.province": "Ninh Bình", "rank_code": "01.003",
            "salary_step": 3, "salary_coefficient": 3.0, "phone": f"09{rng.randrange(10**8):08d}",
            "general_education": "12/12", "highest_qualification": rng.choice(["Đại học", "Thạc sĩ"]),
            "first_recruited_on": date(birth.year + 23, rng.randint(1, 12), 1),
            "employing_unit": "Sở Tài chính", "party_joined_on": None,
        }

    def people(self, unit_code: str, n: int) -> list[dict[str, Any]]:
        return [self.person(unit_code) for _ in range(n)]


def xlsx_bytes(rows: Iterable[dict[str, Any]], columns: list[str] = BASE) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("profiles")
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[dict[str, Any]], columns: list[str] = BASE, *, bom: bool = True) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _text(row.get(c)) for c in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def _text(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def read_xlsx(content: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    """Cell values as Excel would show them (a formula without a cached result reads as None)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return list(workbook.worksheets[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


def sheet_names(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


async def start(client: AsyncClient, auth: dict[str, str], content: bytes, *, filename: str = "staff.xlsx",
                mode: str = "valid_only", dry_run: bool = False) -> str:
    response = await client.post("/api/v1/bulk/imports", headers=auth, files={"file": (filename, content)},
                                 data={"mode": mode, "dry_run": str(dry_run).lower()})
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/v1/bulk/imports/{response.json()['id']}"
    return str(response.headers["location"])


async def wait(client: AsyncClient, auth: dict[str, str], location: str, *, within: float = 90,
               errors_limit: int = 1000) -> dict[str, Any]:
    """Polls the job until it is done or failed, then returns it with every bad row."""
    deadline = time.monotonic() + within
    while True:
        job: dict[str, Any] = (await client.get(f"{location}?errors_limit={errors_limit}", headers=auth)).json()
        if job["state"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"import still {job['state']} after {within}s"
        await asyncio.sleep(0.05)


async def run(client: AsyncClient, auth: dict[str, str], content: bytes, **options: Any) -> dict[str, Any]:
    return await wait(client, auth, await start(client, auth, content, **options))
