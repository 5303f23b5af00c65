"""Every report exported signed, as the sơ yếu lý lịch is: the workforce statistics (PDF, JSON with
`signed=true`), a submitted quarterly review (PDF, and JSON with the JWS made at submission) and the
public progress page (PDF, JSON, signed for the system). Checked with other code than ours, as in
test_exports: pyHanko's validator and pypdf for the PDFs, PyJWT for the JWS, then the public check."""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from httpx import AsyncClient
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, OrgUnit
from hoso_shared.time import ZONE as VN
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.reports.test_exports import (
    EXPORT_SETTINGS,
    TRUST_ROOT,
    flip_in_first_stream,
    pdf_text,
    pyhanko_status,
    reattached,
    verify,
)

PAST = "2026-Q3"  # begun, whatever today is
WORKFORCE = "/api/v1/reports/workforce"
PROGRESS = "/api/v1/reports/progress/page"


@dataclass
class World:
    api: AsyncClient
    p: OrgUnit
    a: OrgUnit
    b: OrgUnit
    accounts: dict[str, Account] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)


@pytest.fixture
async def w(session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer) -> World:
    """P ⊃ A (agency account, approver, officer, two people), P ⊃ B (its approver: another subtree)."""
    p = await make_unit(session, type="province", name="Tỉnh Thử nghiệm")
    a = await make_unit(session, parent=p, name="Sở Nội vụ Thử nghiệm")
    b = await make_unit(session, parent=p, name="Sở Tài chính Thử nghiệm")
    world = World(await client_for("profile-api", **EXPORT_SETTINGS), p, a, b)
    await make_profile(session, unit=a, full_name="Phạm Thị Ánh", sex="F", birth_date=date(1981, 2, 14))
    await make_profile(session, unit=a, full_name="Đỗ Văn Bảo", sex="M", birth_date=date(1995, 7, 9))
    for key, unit, role, kind, name in (
            ("agency_a", a, "agency_admin", "agency", "Văn phòng Sở Nội vụ"),
            ("approver_a", a, "approver", "person", "Trần Văn Bình"),
            ("officer_a", a, "officer", "person", "Lê Thị Hoa"),
            ("approver_b", b, "approver", "person", "Ngô Văn Dũng")):
        account = await make_account(session, unit=unit, role=role, kind=kind, username=key.replace("_", "."))
        account.display_name = name
        world.accounts[key], world.auth[key] = account, bearer(token_issuer, principal_for(account, unit))
    await session.flush()
    return world


async def assert_signed_pdf(api: AsyncClient, data: bytes, *texts: str) -> Any:
    """Valid by pyHanko (intact, trusted, whole file), fonts embedded, the texts with their diacritics; one
    changed byte breaks it. Returns the signature object (/Name, /Reason)."""
    embedded, status = await pyhanko_status(data)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert str(embedded.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"
    text = pdf_text(data)
    for expected in texts:
        assert expected in text, expected
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            assert "DejaVu" in str(font["/BaseFont"]) and "/ToUnicode" in font
            assert "/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    changed = flip_in_first_stream(data)
    _, broken = await pyhanko_status(changed)
    assert not broken.intact and not broken.bottom_line
    result = await verify(api, data)
    assert result["valid"] and result["kind"] == "pdf", result
    assert not (await verify(api, changed))["valid"]
    return embedded.sig_object


async def assert_signed_json(api: AsyncClient, doc: dict[str, Any], change: Callable[[dict[str, Any]], None]
                             ) -> dict[str, Any]:
    """The detached JWS verifies with PyJWT under the province root, and fails once `change` edits the
    document; the public check agrees. Returns the protected header."""
    body = dict(doc)
    signature = body.pop("signature")
    header = jwt.get_unverified_header(reattached(signature, body))
    chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    assert chain[-1] == TRUST_ROOT
    chain[0].verify_directly_issued_by(chain[1])
    key = chain[0].public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    jwt.PyJWS().decode_complete(reattached(signature, body), key, algorithms=["ES256"])
    changed = copy.deepcopy(body)
    change(changed)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.PyJWS().decode_complete(reattached(signature, changed), key, algorithms=["ES256"])
    result = await verify(api, json.dumps(doc).encode())
    assert result["valid"] and result["kind"] == "json", result
    tampered = await verify(api, json.dumps({**changed, "signature": signature}).encode())
    assert not tampered["valid"] and not tampered["checks"]["intact"]
    return header


class TestWorkforceStatistics:
    async def test_pdf_is_signed_for_the_caller(self, w: World) -> None:
        answer = await w.api.get(WORKFORCE, headers=w.auth["agency_a"], params={"format": "pdf"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf" and ".pdf" in answer.headers["content-disposition"]
        today = datetime.now(VN).date()  # the as-of day; the period is its calendar year
        sig = await assert_signed_pdf(
            w.api, answer.content, "BÁO CÁO THỐNG KÊ ĐỘI NGŨ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC",
            f"Đơn vị: Sở Nội vụ Thử nghiệm ({w.a.code})", f"từ 01/01/{today.year} đến 31/12/{today.year}",
            "Người yêu cầu: Văn phòng Sở Nội vụ (agency.a, agency_admin)", "Theo giới tính", "Nữ", "Nam",
            "Theo trình độ lý luận chính trị", "Đảng viên Đảng Cộng sản Việt Nam", "Công chức")
        assert str(sig["/Name"]) == "Văn phòng Sở Nội vụ (agency.a, agency_admin)"
        assert "Báo cáo thống kê đội ngũ" in str(sig["/Reason"])

    async def test_json_gains_a_detached_jws_only_when_asked(self, w: World) -> None:
        plain = await w.api.get(WORKFORCE, headers=w.auth["agency_a"])
        signed = await w.api.get(WORKFORCE, headers=w.auth["agency_a"], params={"signed": "true"})
        assert plain.status_code == signed.status_code == 200, signed.text
        assert "signature" not in plain.json() and plain.json()["total"] == 2
        doc = signed.json()
        assert doc["schema"] == "hoso-workforce-statistics/1" and doc["exported_at"]
        assert {k: v for k, v in doc.items() if k not in ("schema", "exported_at", "signature")} == plain.json()

        def change(body: dict[str, Any]) -> None:
            body["by"]["sex"]["F"] += 1

        header = await assert_signed_json(w.api, doc, change)
        assert (header["signer"]["username"], header["signer"]["display_name"]) == (
            "agency.a", "Văn phòng Sở Nội vụ")
        refused = await w.api.get(WORKFORCE, headers=w.auth["agency_a"], params={"format": "csv", "signed": "true"})
        assert refused.status_code == 422 and refused.json()["type"].endswith("format-not-signable")


async def submitted_review(w: World) -> dict[str, Any]:
    draft = await w.api.post("/api/v1/reports/reviews", headers=w.auth["agency_a"],
                             json={"org_unit_id": str(w.a.id), "quarter": PAST})
    assert draft.status_code == 201, draft.text
    done = await w.api.post(f"/api/v1/reports/reviews/{draft.json()['id']}/submit", headers=w.auth["approver_a"],
                            json={"content_hash": draft.json()["content_hash"]})
    assert done.status_code == 200, done.text
    review: dict[str, Any] = done.json()
    return review


class TestQuarterlyReview:
    async def test_pdf_and_json(self, w: World) -> None:
        review = await submitted_review(w)
        url = f"/api/v1/reports/reviews/{review['id']}"
        pdf = await w.api.get(f"{url}.pdf", headers=w.auth["agency_a"])
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text
        sig = await assert_signed_pdf(
            w.api, pdf.content, "BÁO CÁO RÀ SOÁT DỮ LIỆU HỒ SƠ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC", "HẰNG QUÝ",
            f"Quý {PAST}", f"Đơn vị: Sở Nội vụ Thử nghiệm ({w.a.code})", "CHẤT LƯỢNG DỮ LIỆU (ĐÚNG – ĐỦ – SẠCH – SỐNG)",
            "Sạch", "Sống", "Người ký duyệt: Trần Văn Bình (approver.a, approver)", review["content_hash"])
        assert str(sig["/Name"]) == "Văn phòng Sở Nội vụ (agency.a, agency_admin)"  # who exported it

        exported = await w.api.get(f"{url}.json", headers=w.auth["approver_a"])
        assert exported.status_code == 200, exported.text
        doc = exported.json()
        assert doc == {**review["content"], "signature": review["signature"]}  # as stored, nothing signed anew

        def change(body: dict[str, Any]) -> None:
            body["quality"]["records"] += 1

        header = await assert_signed_json(w.api, doc, change)
        assert (header["signer"]["username"], header["signer"]["display_name"]) == ("approver.a", "Trần Văn Bình")
        assert (await w.api.get(url, headers=w.auth["agency_a"])).json()["id"] == review["id"]  # still routed

    async def test_readable_only_as_the_review_is(self, w: World) -> None:
        review = await submitted_review(w)
        url = f"/api/v1/reports/reviews/{review['id']}"
        for ext in ("pdf", "json"):
            other = await w.api.get(f"{url}.{ext}", headers=w.auth["approver_b"])
            assert other.status_code == 404 and w.a.code not in other.text, ext  # another subtree
            assert (await w.api.get(f"{url}.{ext}", headers=w.auth["officer_a"])).status_code == 403, ext
            assert (await w.api.get(f"{url}.{ext}")).status_code == 401, ext
        draft = await w.api.post("/api/v1/reports/reviews", headers=w.auth["agency_a"],
                                 json={"org_unit_id": str(w.a.id), "quarter": "2026-Q2"})
        for ext in ("pdf", "json"):
            unsigned = await w.api.get(f"/api/v1/reports/reviews/{draft.json()['id']}.{ext}",
                                       headers=w.auth["agency_a"])
            assert unsigned.status_code == 409 and unsigned.json()["type"].endswith("review-not-submitted")


class TestProgressPage:
    async def test_pdf_and_json_signed_for_the_system_without_login(self, w: World) -> None:
        params = {"unit_code": w.p.code}
        pdf = await w.api.get(f"{PROGRESS}.pdf", params=params)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text
        sig = await assert_signed_pdf(w.api, pdf.content, "Tiến độ cập nhật, đồng bộ và chất lượng dữ liệu",
                                      "Tỉnh Thử nghiệm", "Sở Nội vụ Thử nghiệm", "Hệ thống Hồ sơ Gateway")
        assert str(sig["/Name"]) == "Hệ thống Hồ sơ Gateway (system)"

        answer = await w.api.get(f"{PROGRESS}.json", params=params)
        assert answer.status_code == 200 and answer.headers["cache-control"].startswith("public"), answer.text
        doc = answer.json()
        assert doc["schema"] == "hoso-progress-page/1" and doc["scope"] == w.p.code
        rows = {r["code"]: r for r in doc["sections"][0]["rows"]}
        assert rows[w.a.code]["total"] == 2 and rows[w.a.code]["name"] == "Sở Nội vụ Thử nghiệm"

        def change(body: dict[str, Any]) -> None:
            body["sections"][0]["rows"][0]["total"] += 1

        header = await assert_signed_json(w.api, doc, change)
        assert header["signer"] == {"account_id": "system", "username": "system",
                                    "display_name": "Hệ thống Hồ sơ Gateway", "roles": []}
        assert "Phạm Thị Ánh" not in answer.text and "Phạm Thị Ánh" not in pdf_text(pdf.content)
