"""Nhật ký truy cập (issue 21 item 3; Điều 19 khoản 6, Điều 21 khoản 5): the auditor's list of who saw and changed
what, its CSV streamed through from profile-api, and the hash chain's check over a range. The API decides who may
(`audit:read`) and which entries (the subtree): its refusal is a plain page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from portal import downloads
from portal.audit_log import service
from portal.web import Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
PATH = "/kiem-tra/nhat-ky"
Text = Annotated[str | None, Query(max_length=200)]


def _filters(ho_so: str | None, nguoi: str | None, viec: str | None, doi_tuong: str | None, tu: str | None,
             den: str | None) -> tuple[service.Filters, dict[str, str]]:
    return service.Filters.parse({"ho-so": ho_so, "nguoi-thuc-hien": nguoi, "viec": viec, "doi-tuong": doi_tuong,
                                  "tu": tu, "den": den})


@router.get(PATH)
async def list_audit_entries(
    request: Request, wiring: Wiring, person: Person,
    ho_so: Annotated[str | None, Query(alias="ho-so", max_length=200)] = None,
    nguoi: Annotated[str | None, Query(alias="nguoi-thuc-hien", max_length=400)] = None,
    viec: Text = None, doi_tuong: Annotated[str | None, Query(alias="doi-tuong", max_length=200)] = None,
    tu: Text = None, den: Text = None, tiep: Text = None,
) -> Response:
    filters, errors = _filters(ho_so, nguoi, viec, doi_tuong, tu, den)
    page = await service.list_page(wiring.apis, person, filters, errors, tiep)
    return await render(request, wiring, person, "audit_log/list.html", {**page, "path_of_list": PATH},
                        status_code=page["status"])


@router.get(PATH + ".csv")
async def download_audit_entries(
    request: Request, wiring: Wiring, person: Person,
    ho_so: Annotated[str | None, Query(alias="ho-so", max_length=200)] = None,
    nguoi: Annotated[str | None, Query(alias="nguoi-thuc-hien", max_length=400)] = None,
    viec: Text = None, doi_tuong: Annotated[str | None, Query(alias="doi-tuong", max_length=200)] = None,
    tu: Text = None, den: Text = None,
) -> Response:
    """The same entries as CSV, passed on as profile-api streams them; a wrong filter goes back to the form."""
    filters, errors = _filters(ho_so, nguoi, viec, doi_tuong, tu, den)
    if errors:
        return redirect(request, f"{PATH}?{filters.query()}")
    return await downloads.pass_on(wiring.apis, person, service.csv_path(filters))


@router.get(PATH + "/chuoi-bam")
async def verify_audit_chain(request: Request, wiring: Wiring, person: Person,
                             tu_so: Annotated[str | None, Query(alias="tu-so", max_length=30)] = None,
                             den_so: Annotated[str | None, Query(alias="den-so", max_length=30)] = None,
                             kiem_tra: Annotated[str | None, Query(alias="kiem-tra", max_length=10)] = None,
                             ) -> Response:
    span, errors = service.Range.parse(tu_so, den_so)
    page = await service.verify_page(wiring.apis, person, span, errors, asked=kiem_tra is not None)
    return await render(request, wiring, person, "audit_log/verify.html", {**page, "path_of_list": PATH},
                        status_code=page["status"])
