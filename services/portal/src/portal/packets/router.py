"""Gói tin, DOHA's screens (QĐ 6187/QĐ-UBND Điều 13; Điều 19 khoản 1): the packet queue by state, one packet with
its deliveries and the national side's receipts, and sending dead letters again, each after a confirmation."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from portal.i18n import N_
from portal.packets import service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Agency = Annotated[str | None, Query(alias="co-quan", max_length=64)]


@router.get("/goi-tin")
async def list_packets(request: Request, wiring: Wiring, person: Person, co_quan: Agency = None,
                       trang_thai: Annotated[str | None, Query(alias="trang-thai", max_length=20)] = None,
                       tiep: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    page = await service.list_page(wiring.apis, person, trang_thai, co_quan, tiep)
    return await render(request, wiring, person, "packets/list.html", page)


@router.get("/goi-tin/gui-lai-tat-ca")
async def show_replay(request: Request, wiring: Wiring, person: Person, co_quan: Agency = None) -> Response:
    """How many dead letters would go again, confirmed before anything is sent."""
    dead = await service.dead_count(wiring.apis, person, co_quan)
    return await render(request, wiring, person, "packets/replay.html", {"dead": dead, "agency": co_quan})


@router.post("/goi-tin/gui-lai-tat-ca", dependencies=[Csrf])
async def replay_packets(request: Request, wiring: Wiring, person: Person,
                         agency: Annotated[str, Form(max_length=64)] = "") -> Response:
    requeued = await service.replay(wiring.apis, person, agency or None)
    person.flash.append(N_("Đã đưa các gói tin gửi không thành công vào hàng đợi để gửi lại."))
    return redirect(request, "/goi-tin?" + service.query("queued" if requeued else None, agency or None))


@router.get("/goi-tin/{packet_id}")
async def show_packet(request: Request, wiring: Wiring, person: Person, packet_id: uuid.UUID) -> Response:
    page = await service.packet_page(wiring.apis, person, packet_id)
    return await render(request, wiring, person, "packets/packet.html", page)


@router.get("/goi-tin/{packet_id}/gui-lai")
async def show_retry(request: Request, wiring: Wiring, person: Person, packet_id: uuid.UUID) -> Response:
    page = await service.packet_page(wiring.apis, person, packet_id)
    return await render(request, wiring, person, "packets/retry.html", page)


@router.post("/goi-tin/{packet_id}/gui-lai", dependencies=[Csrf])
async def retry_packet(request: Request, wiring: Wiring, person: Person, packet_id: uuid.UUID) -> Response:
    refusal = await service.retry(wiring.apis, person, packet_id)
    if refusal is not None:
        page = await service.packet_page(wiring.apis, person, packet_id)
        return await render(request, wiring, person, "packets/retry.html", {**page, "refusal": refusal},
                            status_code=409)
    person.flash.append(N_("Đã đưa gói tin vào hàng đợi để gửi lại."))
    return redirect(request, f"/goi-tin/{packet_id}")
