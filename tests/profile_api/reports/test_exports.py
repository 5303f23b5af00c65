"""Signed exports that stand as originals: the sơ yếu lý lịch as a PAdES-signed PDF and as JSON with a
detached JWS, the public check of such files (route and CLI), and who may export what.

Signatures are checked with other code than ours where it matters: pyHanko's own validator for the
PDF, PyJWT (a second JOSE library) for the JWS, pypdf for the PDF's text and fonts."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jwt
import pytest
import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from httpx import AsyncClient, Response
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import secrets
from hoso_devstack.demo import citizen_id
from hoso_shared.auth import TokenIssuer
from hoso_shared.crypto import new_key
from hoso_shared.db.models import ChangeRequest
from hoso_shared.signing import IdentityInvalid, generate_dev_identity, load_identity
from hoso_shared.signing.identity import DEV_ROOT_NAME
from profile_api.reports.exports.signer import ExportIdentity, identity_from_settings
from profile_api.settings import Settings
from tests.factories import bearer, make_account, make_unit, principal_for

ROOT = Path(__file__).resolve().parents[3]
PEM = generate_dev_identity()
TRUST_ROOT = x509.load_pem_x509_certificate(PEM.chain.encode())
SIGNER_CERT = x509.load_pem_x509_certificate(PEM.cert.encode())
EXPORT_SETTINGS = {"export_signing_key": PEM.key, "export_signing_cert": PEM.cert, "export_signing_chain": PEM.chain}
BIRTH = date(1985, 5, 17)
_rng = random.Random(11)
_used: set[str] = set()


def person_items(full_name: str = "Nguyễn Thị Lan") -> dict[str, Any]:
    return {"full_name": full_name, "sex": "F", "birth_date": BIRTH.isoformat(),
            "citizen_id": citizen_id(_rng, BIRTH, "F", _used), "ethnicity_code": "01", "rank_code": "01.003",
            "birth_place": {"commune": "Phường Hàng Bạc", "province": "Hà Nội"},
            "home_town": {"commune": "Xã Đông Ngạc", "district": "Huyện Từ Liêm", "province": "Hà Nội"},
            "current_position": "Phó Trưởng phòng", "salary_step": 3, "salary_coefficient": "3.00",
            "health_status": "Tốt", "blood_group": "O"}


SECTIONS = {
    "training-professional": [{"from_date": "2003-09-01", "to_date": "2007-06-01", "award": "Cử nhân",
                               "institution": "Trường Đại học Luật Hà Nội", "field_of_study": "Luật hành chính"}],
    "work-history": [{"from_date": "2008-01-01", "unit": "UBND quận Hoàn Kiếm", "title": "Chuyên viên"}],
    "family": [{"relation": "Mẹ", "full_name": "Trần Thị Hoa", "birth_year": 1960, "details": "Hưu trí"}],
    "salary-history": [{"from_date": "2020-01-01", "rank_code": "01.003", "salary_step": 3, "coefficient": "3.00"}],
}


class World:
    """A unit with an HR admin (named, so the signature can name them), one person in it, another
    subtree next to it; the person was created through the API, items and tables alike."""

    def __init__(self, api: AsyncClient, issuer: TokenIssuer) -> None:
        self.api, self.issuer = api, issuer

    async def build(self, session: AsyncSession) -> World:
        self.root = await make_unit(session, type="province")
        self.unit = await make_unit(session, parent=self.root)
        self.other_unit = await make_unit(session, parent=self.root)
        self.admin = await make_account(session, unit=self.unit, role="agency_admin", username="binh.tv")
        self.admin.display_name = "Trần Văn Bình"
        await session.flush()
        self.auth = bearer(self.issuer, principal_for(self.admin, self.unit))
        made = await self.api.post("/api/v1/profiles", headers=self.auth, json={
            "org_unit_id": str(self.unit.id), "category": "cong_chuc", "items": person_items(), "sections": SECTIONS})
        assert made.status_code == 201, made.text
        self.profile_id, self.citizen_id = made.json()["id"], made.json()["items"]["citizen_id"]
        return self

    async def approve_create(self, session: AsyncSession, created: dict[str, Any]) -> None:
        """A record created through the API is pending until its create request is approved and applied
        (hanoi-2024 Điều 7); stands in for approval-api's decision."""
        svc = await make_account(session, unit=self.root, role="service", kind="client")
        await session.execute(update(ChangeRequest).where(ChangeRequest.id == created["create_request_id"])
                              .values(state="approved"))
        applied = await self.api.post(f"/internal/v1/change-requests/{created['create_request_id']}/apply",
                                      headers=bearer(self.issuer, principal_for(svc, self.root,
                                                                                scopes={"profiles:apply"})))
        assert applied.status_code == 200, applied.text

    async def export(self, kind: str, headers: dict[str, str] | None = None, profile_id: str | None = None) -> Response:
        return await self.api.get(f"/api/v1/reports/profiles/{profile_id or self.profile_id}/syll.{kind}",
                                  headers=self.auth if headers is None else headers)


@pytest.fixture
async def world(session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer) -> World:
    api = await client_for("profile-api", **EXPORT_SETTINGS)
    return await World(api, token_issuer).build(session)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def pyhanko_status(data: bytes) -> Any:
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=list(load_certs_from_pemder_data(PEM.chain.encode())))
    return signatures[0], await async_validate_pdf_signature(signatures[0], context)


def incremental_update(data: bytes) -> bytes:
    """A proper later revision (the document's language changed), as an editor would append it."""
    writer: Any = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en-GB")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_in_first_stream(data: bytes) -> bytes:
    """One byte changed inside the first content stream: in the signed range, the file still parses."""
    at = data.index(b"stream\n") + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


class TestSyllPdf:
    async def test_text_has_the_record_with_its_diacritics(self, world: World) -> None:
        answer = await world.export("pdf")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        text = pdf_text(answer.content)
        for expected in ("SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC", "NGUYỄN THỊ LAN", "Nguyễn Thị Lan",
                         "Phường Hàng Bạc, Hà Nội", "Xã Đông Ngạc, Huyện Từ Liêm, Hà Nội", "Phó Trưởng phòng",
                         "Trường Đại học Luật Hà Nội", "UBND quận Hoàn Kiếm", "Trần Thị Hoa", "17/05/1985",
                         "Kinh", "33) TÓM TẮT QUÁ TRÌNH CÔNG TÁC", "Trần Văn Bình", world.citizen_id):
            assert expected in text, expected
        assert text.index("1) Họ và tên khai sinh") < text.index("31) Tình trạng sức khoẻ") < text.index("38)")

    async def test_fonts_are_embedded_as_subsets(self, world: World) -> None:
        reader = PdfReader(io.BytesIO((await world.export("pdf")).content))
        fonts: dict[str, Any] = {}
        for page in reader.pages:
            resources: Any = page["/Resources"]
            for ref in resources["/Font"].values():
                font = ref.get_object()
                fonts[str(font["/BaseFont"])] = font
        assert fonts and all("DejaVu" in name and name[7] == "+" for name in fonts)  # "ABCDEF+DejaVu…": a subset
        for font in fonts.values():
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # the TrueType program itself is in the file
            assert "/ToUnicode" in font  # so text extraction (and search) gives back the Vietnamese

    async def test_pyhanko_finds_the_signature_intact_trusted_and_whole(self, world: World) -> None:
        embedded, status = await pyhanko_status((await world.export("pdf")).content)
        assert status.intact and status.valid and status.trusted and status.bottom_line
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.modification_level in (None, ModificationLevel.NONE)
        assert status.signing_cert.dump() == SIGNER_CERT.public_bytes(Encoding.DER)
        assert "Sở Nội vụ thành phố Hà Nội" in status.signing_cert.subject.human_friendly
        assert str(embedded.sig_object["/Name"]) == "Trần Văn Bình (binh.tv, agency_admin)"
        reason = str(embedded.sig_object["/Reason"])
        assert "Trần Văn Bình (binh.tv, agency_admin)" in reason and "Sở Nội vụ thành phố Hà Nội" in reason
        assert str(embedded.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"  # PAdES

    async def test_one_changed_byte_breaks_it(self, world: World) -> None:
        _, status = await pyhanko_status(flip_in_first_stream((await world.export("pdf")).content))
        assert not status.intact and not status.bottom_line

    async def test_sensitive_items_only_for_roles_that_may_read_them(self, session: AsyncSession,
                                                                     world: World) -> None:
        hr = await make_account(session, unit=world.unit, role="hr_system", kind="client")
        text = pdf_text((await world.export("pdf", bearer(world.issuer, principal_for(hr, world.unit)))).content)
        assert "NGUYỄN THỊ LAN" in text and world.citizen_id not in text
        assert world.citizen_id[:3] + "*******" in text and "thông tin hạn chế" in text and "Trần Thị Hoa" not in text


def reattached(signature: str, doc: dict[str, Any]) -> str:
    header, payload, sig = signature.split(".")
    assert payload == ""  # detached
    return f"{header}.{base64.urlsafe_b64encode(rfc8785.dumps(doc)).rstrip(b'=').decode()}.{sig}"


class TestSyllJson:
    async def test_detached_jws_verifies_with_pyjwt(self, world: World) -> None:
        answer = await world.export("json")
        assert answer.status_code == 200, answer.text
        doc = answer.json()
        signature = doc.pop("signature")
        assert doc["items"]["full_name"] == "Nguyễn Thị Lan" and doc["schema"] == "hoso-syll/1"
        header = jwt.get_unverified_header(reattached(signature, doc))
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
        assert chain[0] == SIGNER_CERT and chain[-1] == TRUST_ROOT
        chain[0].verify_directly_issued_by(TRUST_ROOT)
        key = chain[0].public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)
        decoded = jwt.PyJWS().decode_complete(reattached(signature, doc), key, algorithms=["ES256"])
        assert decoded["payload"] == rfc8785.dumps(doc)
        assert header["signer"]["username"] == "binh.tv" and header["signer"]["display_name"] == "Trần Văn Bình"
        assert header["signer"]["roles"] == ["agency_admin"] and header["purpose"] and header["signed_at"]
        doc["items"]["full_name"] = "Nguyễn Thị Lam"  # one character
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.PyJWS().decode_complete(reattached(signature, doc), key, algorithms=["ES256"])


async def verify(api: AsyncClient, data: bytes, *, multipart: bool = False) -> dict[str, Any]:
    if multipart:
        answer = await api.post("/api/v1/reports/verify", files={"file": ("export", data)})
    else:
        answer = await api.post("/api/v1/reports/verify", content=data,
                                headers={"content-type": "application/octet-stream"})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


class TestVerifyRoute:
    async def test_valid_files_say_by_whom(self, world: World) -> None:
        pdf, doc = (await world.export("pdf")).content, (await world.export("json")).content
        results = [("pdf", await verify(world.api, pdf)), ("json", await verify(world.api, doc, multipart=True))]
        for kind, result in results:
            assert result["valid"] and result["kind"] == kind and result["problems"] == [], result
            assert result["signed_by"]["certificate"]["common_name"] == "Sở Nội vụ thành phố Hà Nội"
            assert DEV_ROOT_NAME in result["signed_by"]["certificate"]["issuer"]
            person = result["signed_by"]["person"]
            assert (person["username"], person["display_name"], person["roles"]) == (
                "binh.tv", "Trần Văn Bình", ["agency_admin"])
            assert result["signed_at"] and result["checks"]["intact"] and result["checks"]["trusted"]

    async def test_changed_or_broken_files_are_invalid_never_500(self, world: World) -> None:
        pdf, doc = (await world.export("pdf")).content, (await world.export("json")).content
        changed = doc.replace("Nguyễn Thị Lan".encode(), "Nguyễn Thị Lam".encode(), 1)
        cases = {"pdf": flip_in_first_stream(pdf), "json": changed}
        for kind, data in cases.items():
            result = await verify(world.api, data)
            assert not result["valid"] and result["kind"] == kind and not result["checks"]["intact"], result
        for later in (pdf + b"\n% a line added after signing\n", incremental_update(pdf)):
            result = await verify(world.api, later)
            assert not result["valid"] and result["checks"]["intact"] and not result["checks"]["whole_document"]
        for junk in (pdf[: len(pdf) // 2], b"%PDF-1.7\n\x00\xff garbage", b"{not json", b'{"a": 1}', b"\x89PNG",
                     doc.replace(b'"signature":"', b'"signature":"x', 1)):
            result = await verify(world.api, junk)
            assert not result["valid"] and result["problems"], junk[:20]

    async def test_another_root_is_not_trusted(self, world: World, client_for: Callable[..., Any]) -> None:
        stranger = generate_dev_identity()  # same names, other keys: a look-alike province
        other = await client_for("profile-api", export_signing_key=stranger.key, export_signing_cert=stranger.cert,
                                 export_signing_chain=stranger.chain)
        for kind in ("pdf", "json"):
            result = await verify(other, (await world.export(kind)).content)
            assert not result["valid"] and not result["checks"]["trusted"], result

    async def test_size_limit(self, client_for: Callable[..., Any]) -> None:
        api = await client_for("profile-api", export_verify_max_bytes=1000, **EXPORT_SETTINGS)
        too_big = await api.post("/api/v1/reports/verify", content=b"{" + b" " * 2000 + b"}")
        assert too_big.status_code == 413
        assert too_big.headers["content-type"] == "application/problem+json"
        assert (await api.post("/api/v1/reports/verify", files={"file": ("x", b"%PDF" * 500)})).status_code == 413
        assert (await api.post("/api/v1/reports/verify", content=b"")).status_code == 422


def claim_someone_else(doc: dict[str, Any]) -> dict[str, Any]:
    """The export with its protected header's `signer` rewritten: the header is signed too."""
    header, _, sig = doc["signature"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    claims["signer"]["username"] = "someone.else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return {**doc, "signature": f"{forged}..{sig}"}


class TestVerifyCli:
    async def test_says_valid_or_invalid_and_by_whom(self, world: World, tmp_path: Path) -> None:
        (tmp_path / "root.pem").write_text(PEM.chain)
        (tmp_path / "syll.pdf").write_bytes((await world.export("pdf")).content)
        forged = claim_someone_else((await world.export("json")).json())
        (tmp_path / "syll.json").write_text(json.dumps(forged, ensure_ascii=False))
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_EXPORT_")}
        roots = ["--roots", str(tmp_path / "root.pem")]

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "profile_api.reports.exports", "verify", *args],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=60)

        good, bad, no_roots = await asyncio.gather(
            asyncio.to_thread(run, str(tmp_path / "syll.pdf"), *roots),
            asyncio.to_thread(run, str(tmp_path / "syll.json"), *roots),
            asyncio.to_thread(run, str(tmp_path / "syll.pdf")))
        assert good.returncode == 0, good.stderr
        assert json.loads(good.stdout)["signed_by"]["person"]["username"] == "binh.tv"
        assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False
        assert json.loads(bad.stdout)["signed_by"]["person"]["username"] == "someone.else"  # claimed, not signed
        assert no_roots.returncode == 2 and "no trusted root" in no_roots.stderr


class TestAuthorisation:
    async def test_another_subtree_is_404(self, session: AsyncSession, world: World) -> None:
        outsider = await make_account(session, unit=world.other_unit, role="agency_admin")
        auth = bearer(world.issuer, principal_for(outsider, world.other_unit))
        assert [(await world.export(k, auth)).status_code for k in ("pdf", "json")] == [404, 404]

    async def test_an_officer_exports_only_their_own(self, session: AsyncSession, world: World) -> None:
        made = await world.api.post("/api/v1/profiles", headers=world.auth, json={
            "org_unit_id": str(world.unit.id), "category": "cong_chuc", "items": person_items("Lê Văn Cường")})
        await world.approve_create(session, made.json())  # an officer sees their record once approved (Điều 7)
        officer = await make_account(session, unit=world.unit, role="officer", profile=None)
        officer.profile_id = made.json()["id"]
        await session.flush()
        auth = bearer(world.issuer, principal_for(officer, world.unit))
        own = await world.export("json", auth, made.json()["id"])
        assert own.status_code == 200 and own.json()["items"]["full_name"] == "Lê Văn Cường"
        assert own.json()["sensitive_included"] is True  # the person's own record, sensitive items and all
        assert (await world.export("pdf", auth)).status_code == 404

    async def test_login_required_to_export(self, world: World) -> None:
        assert (await world.export("pdf", {})).status_code == 401


class TestSigningIdentity:
    async def test_dev_and_test_make_a_throwaway_ca_when_none_is_configured(
            self, session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer) -> None:
        world = await World(await client_for("profile-api"), token_issuer).build(session)
        result = await verify(world.api, (await world.export("pdf")).content)
        assert result["valid"] and DEV_ROOT_NAME in result["signed_by"]["certificate"]["issuer"]

    async def test_prod_refuses_to_start_without_one(self) -> None:
        prod = {"env": "prod", "lookup_hmac_key": "a-real-key", "field_keys": {"k1": new_key()}}
        with pytest.raises(IdentityInvalid, match="EXPORT_SIGNING_KEY"):
            ExportIdentity(Settings(**prod)).load()  # type: ignore[arg-type]  # what the app's startup runs
        with pytest.raises(IdentityInvalid, match="test CA"):
            identity_from_settings(Settings(**prod, **EXPORT_SETTINGS))  # type: ignore[arg-type]
        with pytest.raises(IdentityInvalid, match="not the signing key's"):
            load_identity(generate_dev_identity().key, PEM.cert, PEM.chain)

    async def test_an_identity_that_does_not_load_stops_the_app(self, client_for: Callable[..., Any]) -> None:
        with pytest.raises(IdentityInvalid, match="not the signing key's"):
            await client_for("profile-api", **{**EXPORT_SETTINGS, "export_signing_key": generate_dev_identity().key})

    def test_the_dev_stack_generates_one_once(self, tmp_path: Path) -> None:
        first = secrets.load_or_create(tmp_path)
        assert secrets.load_or_create(tmp_path)["export_signing_cert"] == first["export_signing_cert"]
        env = secrets.service_env(first, database_url="postgresql://x/y")
        identity = load_identity(env["HOSO_EXPORT_SIGNING_KEY"], env["HOSO_EXPORT_SIGNING_CERT"],
                                 env["HOSO_EXPORT_SIGNING_CHAIN"])
        assert identity.roots and DEV_ROOT_NAME in identity.roots[0].subject.rfc4514_string()
