"""The public progress page: no login, aggregates only (no person's name, ID or birth date), shares per
province and unit with SVG bars, a PDF of the same figures, cached and refreshed; loaded for real in
headless Chromium, whose screenshot is kept as a test artifact."""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import shutil
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from httpx import AsyncClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hoso_devstack.demo import citizen_id
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import (
    Account,
    ChangeRequest,
    OrgUnit,
    OutboxRow,
    Packet,
    PacketRecord,
    Profile,
    QualitySnapshot,
)
from profile_api.reports.progress import tasks
from profile_api.reports.progress.figures import TITLE
from tests.conftest import build
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

ROOT = Path(__file__).resolve().parents[3]
ARTIFACT = ROOT / "test-artifacts" / "progress-page.png"
PAGE = "/api/v1/reports/progress/page"
PEOPLE = (("Phạm Thị Ánh", date(1981, 2, 14)), ("Đỗ Văn Bảo", date(1975, 7, 9)),
          ("Vũ Thị Cúc", date(1992, 12, 1)), ("Hoàng Văn Dũng", date(1968, 5, 23)))
CITIZEN_IDS = tuple(citizen_id(random.Random(23), born, "F", set()) for _, born in PEOPLE)


@dataclass
class World:
    p: OrgUnit
    a: OrgUnit
    a1: OrgUnit
    b: OrgUnit
    people: list[Profile]
    accounts: dict[str, Account] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)

    def personal(self) -> list[str]:
        """Everything that would identify someone: names, citizen IDs, birth dates (as ISO and as shown)."""
        births = [b for _, b in PEOPLE]
        return [*(n for n, _ in PEOPLE), *CITIZEN_IDS, *(b.isoformat() for b in births),
                *(f"{b:%d/%m/%Y}" for b in births), *(str(p.id) for p in self.people),
                *(a.display_name for a in self.accounts.values()), *(a.username for a in self.accounts.values())]


async def _synced(session: AsyncSession, outbox: OutboxRow, status: str) -> None:
    packet = Packet(id=uuid.uuid4(), agency_code=f"T{uuid.uuid4().hex[:6]}", sequence=1, body=b"{}",
                    body_hash="0" * 64, jws="x..y", kid="k", record_count=1, state="delivered")
    session.add(packet)
    await session.flush()
    session.add(PacketRecord(outbox_id=outbox.id, packet_id=packet.id, profile_id=outbox.profile_id,
                             org_unit_id=outbox.org_unit_id, status=status))
    await session.flush()


async def _updated(session: AsyncSession, profile: Profile) -> OutboxRow:
    row = OutboxRow(profile_id=profile.id, profile_version=1, org_unit_id=profile.org_unit_id,
                    payload={"kind": "change", "changed": ["phone"]})
    session.add(row)
    await session.flush()
    return row


async def world(session: AsyncSession, issuer: TokenIssuer) -> World:
    """P ⊃ A ⊃ A1, P ⊃ B. Of A's three records (two in A, one in A1) two were updated this month, one approved,
    synced and acknowledged; B's one record untouched. A has a quality snapshot, P none."""
    p = await make_unit(session, type="province", name=f"Tỉnh Thử nghiệm {uuid.uuid4().hex[:4]}")
    a = await make_unit(session, parent=p, name="Sở Thử nghiệm")
    a1 = await make_unit(session, parent=a, type="sub_unit", name="Phòng Thử nghiệm")
    b = await make_unit(session, parent=p, type="ward", name="Phường Thử nghiệm")
    people = [await make_profile(session, unit=unit, full_name=name, birth_date=born, citizen_id=cid, sex="F")
              for unit, (name, born), cid in zip((a, a, a1, b), PEOPLE, CITIZEN_IDS, strict=True)]
    w = World(p, a, a1, b, people)
    for key, unit, role, profile in (("doha", p, "doha_admin", None), ("agency_a", a, "agency_admin", None),
                                     ("approver_a", a, "approver", people[0]), ("officer_b", b, "officer", people[3])):
        account = await make_account(session, unit=unit, role=role, profile=profile,
                                     username=f"{key}.{uuid.uuid4().hex[:6]}")
        if profile is not None:
            account.display_name = PEOPLE[people.index(profile)][0]  # as the demo does: the person's name
        w.accounts[key], w.auth[key] = account, bearer(issuer, principal_for(account, unit))
    first = await _updated(session, people[0])
    await _updated(session, people[2])
    session.add(ChangeRequest(id=uuid.uuid4(), profile_id=people[0].id, org_unit_id=a.id, base_version=1,
                              state="applied", payload={}, requested_by=w.accounts["agency_a"].id,
                              decided_at=datetime.now(UTC)))
    await _synced(session, first, "accepted")
    session.add(QualitySnapshot(org_unit_id=a.id, day=datetime.now(UTC).date(), policy="hanoi-2024", records=3,
                                blocking=1, passing_dung=3, passing_du=2, passing_sach=1, passing_song=0))
    await session.flush()
    return w


def _row(unit: OrgUnit, *cells: str, head: bool = False) -> str:
    name = unit.name if head else f"· {unit.name}"
    return (f'<tr{" class=head" if head else ""}><td class="name">{name}</td>'
            + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")


def _no_personal_data(w: World, text: str) -> None:
    leaked = [item for item in w.personal() if item in text]
    assert not leaked, f"personal data on the public page: {leaked}"


class TestProgressPage:
    async def test_public_shares_per_province_and_unit_without_personal_data(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        response = await profile_api.get(PAGE)  # no token
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        page = response.text
        assert f"<title>{TITLE}</title>" in page and '<html lang="vi">' in page and "<script" not in page
        assert page.count("<svg") >= 2 and "Số liệu tạo lúc" in page and "<time datetime=" in page
        # P: 4 records, 2 updated, 1 approved, synced and acknowledged; no snapshot of its own.
        assert _row(w.p, "4", "50%", "50%", "25%", "25%", "25%", "—", "—", "—", "—", "chưa có", head=True) in page
        today = f"{datetime.now(UTC).date():%d/%m/%Y}"
        assert _row(w.a, "3", "67%", "67%", "33%", "33%", "33%", "100%", "67%", "33%", "0%", today) in page
        assert _row(w.b, "1", "0%", "0%", "0%", "0%", "0%", "—", "—", "—", "—", "chưa có") in page
        assert w.a1.name not in page  # the page goes one level down: A1 counts within A
        _no_personal_data(w, page)

    async def test_a_units_page_and_unknown_units(self, session: AsyncSession, profile_api: AsyncClient,
                                                  token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        page = (await profile_api.get(PAGE, params={"unit_code": w.a.code})).text
        assert f"<h2>{w.a.name}</h2>" in page and _row(w.a1, "1", "100%", "100%", "0%", "0%", "0%", "—", "—", "—",
                                                            "—", "chưa có") in page
        assert w.b.name not in page and w.p.name not in page
        missing = await profile_api.get(PAGE, params={"unit_code": "NO-SUCH-UNIT"})
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"

    async def test_cached_until_refreshed(self, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        params = {"unit_code": w.p.code}
        first = (await profile_api.get(PAGE, params=params)).text
        await _updated(session, w.people[3])  # B's record changes after the page was rendered
        assert (await profile_api.get(PAGE, params=params)).text == first  # still the cached page
        refresh = "/api/v1/reports/progress/refresh"
        assert (await profile_api.post(refresh, params=params)).status_code == 401
        assert (await profile_api.post(refresh, params=params, headers=w.auth["officer_b"])).status_code == 403
        assert (await profile_api.post(refresh, params=params, headers=w.auth["agency_a"])).status_code == 404
        assert (await profile_api.post(refresh, headers=w.auth["agency_a"])).status_code == 404  # every province
        done = await profile_api.post(refresh, params=params, headers=w.auth["doha"])
        assert done.status_code == 200 and done.json()["scope"] == w.p.code
        again = (await profile_api.get(PAGE, params=params)).text
        assert again != first and _row(w.b, "1", "100%", "100%", "0%", "0%", "0%", "—", "—", "—", "—",
                                       "chưa có") in again

    async def test_the_scheduled_refresh_renders_every_cached_scope(
            self, session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], profile_api: AsyncClient,
            token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        await profile_api.get(PAGE, params={"unit_code": w.a.code})
        done = await tasks.refresh_pages(sessionmaker)
        assert {"", w.a.code} <= set(done)
        assert await tasks.refresh_pages(sessionmaker, older_than=timedelta(hours=1)) == []

    async def test_the_pdf_holds_the_same_figures(self, session: AsyncSession, profile_api: AsyncClient,
                                                  token_issuer: TokenIssuer) -> None:
        w = await world(session, token_issuer)
        response = await profile_api.get(f"{PAGE}.pdf", params={"unit_code": w.p.code})
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert "Tiến độ cập nhật" in text and w.a.name in text and "67%" in text and "Đã phê duyệt" in text
        _no_personal_data(w, text)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """The app behind a real uvicorn server on a free port, in this test's event loop (so it shares the
    test's rolled-back transaction)."""
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started or task.done():
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


class TestInChromium:
    async def test_the_page_loads_in_headless_chromium(self, session: AsyncSession, db_url: str,
                                                       sessionmaker: async_sessionmaker[AsyncSession],
                                                       token_issuer: TokenIssuer) -> None:
        browser = shutil.which("chromium")
        if browser is None:
            pytest.skip("chromium is not installed (Debian's `chromium` package; `make tools` installs it when "
                        "run as root with apt): the page was not screenshotted")
        w = await world(session, token_issuer)
        async with serving(build("profile-api", db_url, sessionmaker)) as base:
            url = f"{base}{PAGE}?unit_code={w.p.code}"
            async with httpx.AsyncClient() as http:
                served = await http.get(url)
            assert served.status_code == 200 and w.a.name in served.text
            _no_personal_data(w, served.text)
            ARTIFACT.parent.mkdir(exist_ok=True)
            ARTIFACT.unlink(missing_ok=True)
            with tempfile.TemporaryDirectory(prefix="hoso-chromium-") as profile:
                process = await asyncio.create_subprocess_exec(
                    browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    f"--user-data-dir={profile}", "--hide-scrollbars", f"--screenshot={ARTIFACT}",
                    "--window-size=1280,1600", url,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                out, err = await asyncio.wait_for(process.communicate(), 90)
        assert process.returncode == 0, (out + err).decode(errors="replace")[-2000:]
        assert ARTIFACT.exists() and ARTIFACT.stat().st_size > 20_000
        with Image.open(ARTIFACT) as shot:
            assert shot.format == "PNG" and shot.size == (1280, 1600)
            colours = shot.convert("RGB").getcolors(maxcolors=1_000_000) or []
            assert len(colours) > 50  # text and coloured bars, not a blank page
