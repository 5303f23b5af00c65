"""My record (QĐ 6187/QĐ-UBND Điều 8 khoản 3, Điều 10 khoản 3): the sơ yếu lý lịch as profile-api returns it, its
versions, the signed PDF, the evidence scans, and "I have checked my record" (Điều 12 khoản 1 điểm b). Every page
asks the API with the person's own token; a record they may not see is the API's 404, shown as that page."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from portal import downloads
from portal.i18n import N_
from portal.my_record import service
from portal.my_record.display import CATEGORIES, STATUSES, Show
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/ho-so")
async def show_own_record(request: Request, wiring: Wiring, person: Person) -> Response:
    """The person's own record: its id is the one profile-api lists for them."""
    found = await service.own_record_id(wiring.apis, person)
    if found is None:
        return await render(request, wiring, person, "my_record/none.html", status_code=404)
    return redirect(request, service.record_path(found))


@router.get("/ho-so/{profile_id}")
async def show_record(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    record = await service.read_record(wiring.apis, person, str(profile_id))
    context = service.record_page(record, Show(person.lang))
    return await render(request, wiring, person, "my_record/record.html",
                        {**context, "categories": CATEGORIES, "statuses": STATUSES})


@router.get("/ho-so/{profile_id}/phien-ban")
async def list_versions(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    record = await service.read_record(wiring.apis, person, str(profile_id))
    versions = await wiring.apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}/versions")
    return await render(request, wiring, person, "my_record/versions.html",
                        {"record": record, **service.versions_page(versions)})


@router.get("/ho-so/{profile_id}/phien-ban/{from_version}/{to_version}")
async def diff_versions(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                        from_version: int, to_version: int) -> Response:
    diff = await wiring.apis.json(person, "profile", "GET",
                                  f"/api/v1/profiles/{profile_id}/versions/{from_version}/diff/{to_version}")
    return await render(request, wiring, person, "my_record/diff.html", service.diff_page(diff, Show(person.lang)))


@router.get("/ho-so/{profile_id}/so-yeu-ly-lich.pdf")
async def download_syll(wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    """The sơ yếu lý lịch signed by the province (Điều 8 khoản 4: an electronic copy signed digitally stands as
    the original), made by profile-api for this person."""
    return await downloads.pass_on(wiring.apis, person, f"/api/v1/reports/profiles/{profile_id}/syll.pdf")


@router.get("/ho-so/{profile_id}/minh-chung/{attachment_id}")
async def download_attachment(wiring: Wiring, person: Person, profile_id: uuid.UUID,
                              attachment_id: uuid.UUID) -> Response:
    """One evidence scan, as profile-api keeps it (its download is audited there)."""
    return await downloads.pass_on(wiring.apis, person, f"/api/v1/profiles/{profile_id}/attachments/{attachment_id}")


@router.get("/ho-so/{profile_id}/kiem-tra")
async def show_review(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    record = await service.read_record(wiring.apis, person, str(profile_id))
    return await render(request, wiring, person, "my_record/review.html", {"record": record})


@router.post("/ho-so/{profile_id}/kiem-tra", dependencies=[Csrf])
async def check_record(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    """"I have checked my record" (Điều 12 khoản 1 điểm b after a move, and the periodic check): profile-api
    records when; only the person may say it of their own record (anyone else: the API's refusal page)."""
    await wiring.apis.call(person, "profile", "POST", f"/api/v1/profiles/{profile_id}/review")
    person.flash.append(N_("Đã ghi nhận: bạn xác nhận đã kiểm tra hồ sơ của mình."))
    return redirect(request, f"{service.record_path(str(profile_id))}/kiem-tra")
