"""Rà soát hằng quý (QĐ 6187/QĐ-UBND Điều 21 khoản 6), the unit's and DOHA's screens: the quarter's review of the
caller's unit drafted with its figures, read, then signed and sent by the unit's approver after a confirmation;
the unit's earlier reviews with their signed PDFs; DOHA's roster of every unit (sent, late, missing)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from hoso_shared.time import local_day
from portal import downloads
from portal.api import ApiProblem
from portal.reviews import past, service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
QuarterText = Annotated[str | None, Query(alias="quy", max_length=10)]


@router.get("/ra-soat")
async def show_reviews(request: Request, wiring: Wiring, person: Person, quy: QuarterText = None,
                       tinh_trang: Annotated[str | None, Query(alias="tinh-trang", max_length=20)] = None,
                       tiep: Annotated[str | None, Query(max_length=200)] = None,
                       trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The quarter's roster a page at a time (`tiep`: profile-api's cursor; `trang`: the page's number, shown)."""
    today = local_day(wiring.clock())
    page = await service.overview(wiring.apis, person, service.Quarter.chosen(quy, today), today, tinh_trang, tiep,
                                  trang)
    return await render(request, wiring, person, "reviews/overview.html", page)


@router.get("/ra-soat/da-gui")
async def show_past_reviews(request: Request, wiring: Wiring, person: Person,
                            tiep: Annotated[str | None, Query(max_length=200)] = None,
                            trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The unit's submitted reviews with their signed PDFs (declared before /ra-soat/{review_id})."""
    page = await past.past_page(wiring.apis, person, tiep, trang)
    return await render(request, wiring, person, "reviews/past.html", page)


@router.post("/ra-soat/lap", dependencies=[Csrf])
async def create_review(request: Request, wiring: Wiring, person: Person,
                       quarter: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Drafts (or drafts again, with today's figures) the caller's unit's review of the quarter."""
    review_id, refusal = await service.draft(wiring.apis, person, quarter)
    if review_id is None:
        today = local_day(wiring.clock())
        page = await service.overview(wiring.apis, person, service.Quarter.chosen(quarter, today), today, None)
        return await render(request, wiring, person, "reviews/overview.html", {**page, "refusal": refusal},
                            status_code=409)
    person.flash.append(service.DRAFTED)
    return redirect(request, f"/ra-soat/{review_id}")


@router.get("/ra-soat/{review_id}")
async def show_review(request: Request, wiring: Wiring, person: Person, review_id: uuid.UUID) -> Response:
    page = await service.review_page(wiring.apis, person, review_id)
    return await render(request, wiring, person, "reviews/review.html", page)


@router.get("/ra-soat/{review_id}/ky")
async def show_signing(request: Request, wiring: Wiring, person: Person, review_id: uuid.UUID) -> Response:
    """What will be signed, confirmed before it is (nothing is signed by opening this page)."""
    page = await service.review_page(wiring.apis, person, review_id)
    if not page["signable"]:  # sent already, or not this person's to sign: the page says it cannot be done
        raise ApiProblem(409, {"title": "Not open"})
    return await render(request, wiring, person, "reviews/sign.html", page)


@router.post("/ra-soat/{review_id}/ky", dependencies=[Csrf])
async def sign_review(request: Request, wiring: Wiring, person: Person, review_id: uuid.UUID,
                      content_hash: Annotated[str, Form(max_length=64)] = "") -> Response:
    refusal = await service.submit(wiring.apis, person, review_id, content_hash)
    if refusal is None:
        person.flash.append(service.SIGNED)
        return redirect(request, f"/ra-soat/{review_id}")
    page = await service.review_page(wiring.apis, person, review_id)
    return await render(request, wiring, person, "reviews/sign.html", {**page, "refusal": refusal},
                        status_code=409)


@router.get("/ra-soat/{review_id}/ban-ky.pdf")
async def download_review(wiring: Wiring, person: Person, review_id: uuid.UUID) -> Response:
    """The submitted review as a PDF signed by the province (made by profile-api for this person, audited there),
    streamed through as it arrives."""
    return await downloads.pass_on(wiring.apis, person, f"/api/v1/reports/reviews/{review_id}.pdf")
