"""A unit's electronic identifier (mã định danh điện tử, QĐ 20/2020/QĐ-TTg), which the Hanoi regulation's Điều 19
khoản 2 requires for exchanging its data: a unit without one cannot submit a sync batch. Entered or corrected on
the unit's page by who may edit the unit (DOHA anywhere, an agency admin below its own unit)."""

from __future__ import annotations

import uuid

from hoso_shared.codes import agency_ids
from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

FIELD = "ma_dinh_danh"
INVALID = N_("Nhập mã định danh đúng cấu trúc theo QĐ 20/2020/QĐ-TTg, ví dụ 000.00.01.H26: các nhóm chữ in hoa "
             "hoặc chữ số cách nhau bởi dấu chấm, tối đa 35 ký tự.")
TAKEN = N_("Mã định danh này đã được cấp cho một đơn vị khác.")
OWN_UNIT = N_("Mã định danh của đơn vị mình do cấp trên (hoặc Sở Nội vụ) nhập.")
DONE = N_("Đã lưu mã định danh điện tử của đơn vị.")
REFUSALS = {"electronic-id-taken": TAKEN, "own-org-unit": OWN_UNIT}


def read(text: str) -> str:
    """As typed, without the spaces and the lower case people add to a code they copy."""
    return nfc(text).replace(" ", "").upper()


async def save(apis: Apis, person: PortalSession, unit_id: uuid.UUID, text: str) -> str | None:
    """Sets the unit's identifier; the reason it could not, said on the field, or None when it was saved."""
    value = read(text)
    if not agency_ids.is_valid(value):
        return INVALID
    try:
        await apis.call(person, "profile", "PUT", f"/api/v1/org-units/{unit_id}/electronic-id",
                        json={"electronic_id": value})
    except ApiProblem as problem:
        if problem.slug in REFUSALS:
            return REFUSALS[problem.slug]
        if problem.status == 422:
            return INVALID
        raise
    return None
