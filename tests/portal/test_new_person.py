"""A new person's record in the portal, filled in from the national population database first (QĐ MIC 2021 on the
connection to the population DB: "tự động hoá việc xác minh, điền thông tin cá nhân"). Real profile-api,
approval-api and gateway on the test's transaction; the register (through NDXP) faked with respx."""

from __future__ import annotations

import html
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.db.models import Profile
from hoso_shared.time import utc_now
from tests.approval_api.conftest import apis  # noqa: F401 - the stack's fixture
from tests.factories import CIPHER
from tests.portal.conftest import Portal, csrf_of
from tests.portal.national import ndxp, open_national_portal
from tests.sync_gateway.conftest import NDXP, Stack, stack  # noqa: F401
from tests.sync_gateway.test_citizen_lookups import register_answer
from tests.sync_gateway.test_national_calls import new_citizen_id

UNAVAILABLE = "Không lấy được thông tin từ CSDL dân cư lúc này; anh/chị vẫn có thể nhập tay."


@pytest.fixture
async def portal(stack: Stack) -> AsyncIterator[Portal]:  # noqa: F811 - the gateway's fixture
    async for made in open_national_portal(stack):
        # profile-api dates a new record's create request by its own (real) day; approval-api's clock, fixed in
        # the stack, must not stand before it
        made.at(utc_now())
        yield made


def lookup_url(cid: str) -> str:
    return f"{NDXP}/population/v1/citizens/{cid}"


def check_answer() -> httpx.Response:
    return httpx.Response(200, json={"result": "match", "mismatched": [], "checked_at": "2026-11-23T09:00:00Z"})


def hidden(page: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return html.unescape(page[start:page.index('"', start)])


async def look_up(portal: Portal, cid: str, unit: uuid.UUID) -> httpx.Response:
    return await portal.form("/ho-so-moi/tra-cuu", {"citizen_id": cid, "org_unit_id": str(unit)}, page="/ho-so-moi")


def form_of(page: str, **changes: str) -> dict[str, str]:
    """What the shown form sends back as a browser would (its filled values, its hidden inputs), changed."""
    names = ("citizen_id", "org_unit_id", "full_name", "sex", "birth_date", "ethnicity_code", "religion_code",
             "birth_place.commune", "birth_place.province", "home_town.commune", "home_town.province",
             "residence.commune", "residence.province", "residence.detail")
    sent = {"csrf": hidden(page, "csrf"), "from_register": hidden(page, "from_register"),
            "filled_on": hidden(page, "filled_on"), "category": "cong_chuc"}
    for name in names:
        sent[name] = value_in(page, name)
    for name in hidden(page, "from_register").split():
        sent[f"given.{name}"] = hidden(page, f"given.{name}")
    return {**sent, **changes}


def value_in(page: str, name: str) -> str:
    """An input's value, or a select's selected option."""
    tag = page.find(f'id="{name}" name="{name}"')
    if tag < 0:
        return ""
    end = page.index(">", tag)
    if page[:tag].rstrip().endswith("<select"):
        close = page.index("</select>", tag)
        chosen = page.find(" selected>", tag, close)
        if chosen < 0:
            return ""
        start = page.rindex('value="', tag, chosen) + len('value="')
        return html.unescape(page[start:page.index('"', start)])
    field = page[tag:end]
    if 'value="' not in field:
        return ""
    start = field.index('value="') + len('value="')
    return html.unescape(field[start:field.index('"', start)])


class TestNewPersonFromTheRegister:
    async def test_a_known_person_is_filled_in_marked_and_created_with_the_register_s_items(
            self, session: AsyncSession, portal: Portal) -> None:
        """QĐ MIC 2021: the connection exists to fill in personal information. The filled items say so, with the day;
        the record created has the register's items, pending approval (hanoi-2024 Điều 7)."""
        cid, unit = new_citizen_id(), portal.world.agency.id
        await portal.sign_in("agency.admin")
        assert 'href="/ho-so-moi"' in (await portal.client.get("/nhan-su")).text  # offered to who may create
        blank = await portal.client.get("/ho-so-moi")
        assert blank.status_code == 200 and "Lấy thông tin từ CSDL quốc gia về dân cư" in blank.text
        with ndxp() as national:
            national.get(lookup_url(cid)).mock(return_value=httpx.Response(200, json=register_answer(cid)))
            filled = await look_up(portal, cid, unit)
        assert filled.status_code == 200, filled.text[:2000]
        page = filled.text
        assert value_in(page, "full_name") == "Nguyễn Thị Thu Hà" and value_in(page, "sex") == "F"
        assert value_in(page, "birth_date") == "09/03/1987"
        assert value_in(page, "home_town.province") == "Thanh Hóa" and value_in(page, "ethnicity_code") == "01"
        assert value_in(page, "residence.detail") == "Số 12, ngõ 34, phố Xuân Thủy"
        assert page.count("Lấy từ CSDL quốc gia về dân cư ngày") >= 8
        assert "full_name" in hidden(page, "from_register").split()
        with ndxp() as national:
            checked = national.post(f"{NDXP}/population/v1/citizens/check").mock(return_value=check_answer())
            made = await portal.client.post("/ho-so-moi", data=form_of(page))
        assert made.status_code == 303, made.text[:3000]
        assert checked.call_count == 1  # the new record's agreement with the register, dated, at once
        profile_id = uuid.UUID(made.headers["location"].rsplit("/", 1)[-1])
        profile = await session.get(Profile, profile_id)
        assert profile is not None and profile.version == 0 and profile.org_unit_id == unit
        items = records.read_items(profile, CIPHER, sensitive=True)
        assert (items["citizen_id"], items["full_name"], items["sex"], items["birth_date"]) == (
            cid, "Nguyễn Thị Thu Hà", "F", "1987-03-09")
        home = {k: v for k, v in items["home_town"].items() if v is not None}
        assert home == {"commune": "xã Đông Sơn", "province": "Thanh Hóa"}
        assert (items["ethnicity_code"], items["religion_code"]) == ("01", "00")
        assert items["residence"]["detail"] == "Số 12, ngõ 34, phố Xuân Thủy"
        # Each item as the register gave it is marked so on the record, with the day (issue 19 item 4).
        assert set(profile.item_sources) == {"full_name", "sex", "birth_date", "birth_place", "home_town",
                                             "residence", "ethnicity_code", "religion_code"}
        assert {s["source"] for s in profile.item_sources.values()} == {"population_register"}
        shown = await portal.client.get(made.headers["location"])
        assert shown.status_code == 200 and shown.text.count("(theo CSDL quốc gia về dân cư ngày") >= 4

    async def test_an_item_hr_changed_after_the_register_filled_it_is_not_marked_as_the_register_s(
            self, session: AsyncSession, portal: Portal) -> None:
        """QĐ MIC 2021: what the register gave is marked as the register's; a value HR typed over it is HR's (and
        the check at once shows the difference as DUNG-DANCU)."""
        cid, unit = new_citizen_id(), portal.world.agency.id
        await portal.sign_in("agency.admin")
        with ndxp() as national:
            national.get(lookup_url(cid)).mock(return_value=httpx.Response(200, json=register_answer(cid)))
            page = (await look_up(portal, cid, unit)).text
        with ndxp() as national:
            national.post(f"{NDXP}/population/v1/citizens/check").mock(return_value=check_answer())
            made = await portal.client.post("/ho-so-moi", data=form_of(
                page, full_name="Nguyễn Thị Thu Hằng", **{"home_town.commune": "xã Đông Hòa"}))
        assert made.status_code == 303, made.text[:3000]
        profile = await session.get(Profile, uuid.UUID(made.headers["location"].rsplit("/", 1)[-1]))
        assert profile is not None
        assert "full_name" not in profile.item_sources and "home_town" not in profile.item_sources
        assert {"sex", "birth_date", "residence"} <= set(profile.item_sources)

    async def test_a_register_timeout_says_so_and_the_form_still_creates_the_record(
            self, session: AsyncSession, portal: Portal) -> None:
        """The register not answering leaves the form usable: a plain message, the values as typed, and a record
        created by hand. Never a server error."""
        cid, unit = new_citizen_id(), portal.world.agency.id
        await portal.sign_in("agency.admin")
        with ndxp() as national:
            national.get(lookup_url(cid)).mock(side_effect=httpx.ReadTimeout("hung"))
            shown = await look_up(portal, cid, unit)
        assert shown.status_code == 200, shown.text[:2000]
        assert UNAVAILABLE in shown.text
        assert value_in(shown.text, "citizen_id") == cid and hidden(shown.text, "from_register") == ""
        typed = form_of(shown.text, full_name="Lê Văn Tâm", sex="M", birth_date="02/05/1990",
                        **{"residence.province": "TP Hà Nội"})
        with ndxp() as national:
            checked = national.post(f"{NDXP}/population/v1/citizens/check").mock(return_value=check_answer())
            made = await portal.client.post("/ho-so-moi", data=typed)
        assert made.status_code == 303, made.text[:3000]
        assert checked.call_count == 0  # typed by hand: nothing filled from the register to check at once
        profile = await session.get(Profile, uuid.UUID(made.headers["location"].rsplit("/", 1)[-1]))
        assert profile is not None and profile.full_name == "Lê Văn Tâm"

    async def test_an_unknown_citizen_is_said_on_its_field(self, portal: Portal) -> None:
        cid = new_citizen_id()
        await portal.sign_in("agency.admin")
        with ndxp() as national:
            national.get(lookup_url(cid)).mock(return_value=httpx.Response(404, json={"error": "not_found"}))
            shown = await look_up(portal, cid, portal.world.agency.id)
        assert shown.status_code == 400 and '<a href="#citizen_id">' in shown.text
        assert "CSDL quốc gia về dân cư không có số định danh này" in shown.text

    async def test_what_is_missing_is_said_on_its_fields(self, portal: Portal) -> None:
        await portal.sign_in("agency.admin")
        shown = await portal.client.get("/ho-so-moi")
        missing = await portal.client.post("/ho-so-moi", data={"csrf": csrf_of(shown), "citizen_id": "12"})
        assert missing.status_code == 400
        for name in ("citizen_id", "org_unit_id", "category", "full_name", "sex", "birth_date"):
            assert f'<a href="#{name}">' in missing.text, name

    async def test_no_one_is_created_or_looked_up_in_another_agency(self, session: AsyncSession,
                                                                     portal: Portal) -> None:
        """Điều 8 (access by one's own reach): a unit outside the caller's subtree, typed into the form, is refused
        by the APIs; the register is not asked and no record is made."""
        cid, other = new_citizen_id(), portal.world.elsewhere.id
        await portal.sign_in("agency.admin")
        with ndxp() as national:
            asked = national.get(lookup_url(cid)).mock(return_value=httpx.Response(200, json=register_answer(cid)))
            looked = await look_up(portal, cid, other)
            shown = await portal.client.get("/ho-so-moi")
            made = await portal.client.post("/ho-so-moi", data={
                "csrf": csrf_of(shown), "citizen_id": cid, "org_unit_id": str(other), "category": "cong_chuc",
                "full_name": "Nguyễn Thị Thu Hà", "sex": "F", "birth_date": "09/03/1987"})
        assert asked.call_count == 0
        for page in (looked, made):
            assert page.status_code == 400 and "Chọn một đơn vị trong phạm vi quản lý của bạn." in page.text
        assert str(other) not in shown.text  # not offered either

    async def test_an_officer_may_not_create(self, portal: Portal) -> None:
        await portal.sign_in("officer")
        with ndxp():
            refused = await look_up(portal, new_citizen_id(), portal.world.agency.id)
        assert refused.status_code == 403
