"""Nhập và xuất hồ sơ (hanoi-2024 Điều 18 khoản 2: the agency keeps its people's data up to date; Điều 17: each unit
answers for what it enters): profile-api's bulk import and export (`/api/v1/bulk`) shaped for the pages. An import
is checked first (a dry run), then stored all-or-nothing or row by row; its job is read back for its progress and
its bad rows, a page at a time. The API judges every row; the portal only arranges its answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from hoso_shared.form import layout
from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

SCOPE = "profiles:write"  # what an import needs of the token; export needs profiles:read, which it implies here
PAGE = 50  # bad rows a page
MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and the multipart framing around the file
# The form's choice → (mode, dry run). Checking first is the default: nothing is stored by it.
MODES = {"kiem-tra": ("all_or_nothing", True), "tat-ca": ("all_or_nothing", False), "hop-le": ("valid_only", False)}
MODE_NAMES = {"kiem-tra": N_("Chỉ kiểm tra (chạy thử, không lưu gì)"),
              "tat-ca": N_("Lưu tất cả hoặc không lưu gì (nếu có dòng lỗi thì không lưu dòng nào)"),
              "hop-le": N_("Chỉ lưu các dòng hợp lệ (bỏ qua các dòng lỗi)")}
STATES = {"queued": N_("Đang chờ xử lý"), "running": N_("Đang kiểm tra"), "done": N_("Đã xong"),
          "failed": N_("Không thực hiện được")}
TAGS = {"queued": "pending", "running": "pending", "done": "todo", "failed": "late"}
FORMATS = ("xlsx", "csv")
NO_FILE = N_("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập.")
TOO_LARGE = N_("Tệp lớn hơn mức cho phép (%(mb)s MB). Hãy chia thành nhiều tệp nhỏ hơn.")
REFUSED = {"unsupported-file-type": N_("Chỉ nhận tệp Excel (.xlsx) hoặc tệp CSV mã UTF-8."),
           "import-file-empty": N_("Tệp đã chọn không có nội dung."), "import-file-too-large": TOO_LARGE}


def may_import(person: PortalSession) -> bool:
    return SCOPE in person.scopes


def require(person: PortalSession) -> None:
    """The screen is for who may import: others get the plain 403 page (the API would refuse them anyway)."""
    if not may_import(person):
        raise ApiProblem(403, {"title": "Forbidden"})


def megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def too_large(content_length: str | None, limit: int) -> bool:
    """Judged from the request's declared length, before a byte of its body is read."""
    return content_length is None or not content_length.isdigit() or int(content_length) > limit + MULTIPART_OVERHEAD


@dataclass(frozen=True)
class Refusal:
    message: str
    mb: str = ""


async def start(apis: Apis, person: PortalSession, upload: UploadFile, choice: str,
                limit: int) -> tuple[str | None, Refusal | None]:
    """(the job's id, or why the file was refused) — the file sent on in chunks as the API reads it."""
    if upload.size is not None and upload.size > limit:
        return None, Refusal(TOO_LARGE, megabytes(limit))
    mode, dry_run = MODES.get(choice, MODES["kiem-tra"])
    try:
        job = await apis.json(person, "profile", "POST", "/api/v1/bulk/imports",
                              files={"file": (upload.filename or "tep-nhap.xlsx", upload.file,
                                              upload.content_type or "application/octet-stream")},
                              data={"mode": mode, "dry_run": "true" if dry_run else "false"})
    except ApiProblem as problem:
        if problem.slug not in REFUSED:
            raise
        return None, Refusal(REFUSED[problem.slug], megabytes(limit))
    return str(job["id"]), None


def reason_line(reason: str) -> dict[str, str]:
    """A reason as the API words it ("citizen_id: must be …"): the column's label on the form beside its key."""
    column, sep, text = reason.partition(": ")
    key = column.split(".", 1)[-1] if "]." in column else column
    label = layout.label_of(key) if sep else ""
    return {"column": column if sep else "", "label": label if label != key else "", "text": text if sep else reason}


def outcome(job: dict[str, Any]) -> dict[str, Any]:
    """What the finished job means for the person: checked only, nothing stored, or how many records now await
    the unit's approver (Điều 7)."""
    total = int(job["total_rows"] or 0)
    bad = int(job["error_count"])
    if job["state"] == "failed" or job["failure"]:
        kind = "failed"
    elif job["dry_run"]:
        kind = "checked"
    elif job["mode"] == "all_or_nothing" and bad:
        kind = "refused"
    else:
        kind = "stored"
    return {"kind": kind, "good": max(total - bad, 0), "bad": bad, "created": int(job["created_count"]),
            "total": total}


async def job_page(apis: Apis, person: PortalSession, job_id: uuid.UUID, page: int) -> dict[str, Any]:
    """One import: its progress while it runs; once done, its outcome and its bad rows, `PAGE` a page."""
    offset = (page - 1) * PAGE
    job = await apis.json(person, "profile", "GET", f"/api/v1/bulk/imports/{job_id}",
                          params={"errors_offset": offset, "errors_limit": PAGE})
    running = job["state"] in ("queued", "running")
    total = job["total_rows"]
    pages = max(1, -(-int(job["errors_total"]) // PAGE))
    path = f"/nhap-xuat/{job_id}"
    return {
        "job": job, "running": running, "states": STATES, "tags": TAGS, "mode_names": MODE_NAMES,
        "percent": int(100 * job["processed_rows"] / total) if total else 0,
        "outcome": None if running else outcome(job), "page": page, "pages": pages, "first_row": offset + 1,
        "errors": [{**e, "reasons": [reason_line(r) for r in e["reasons"]]} for e in job["errors"]],
        "previous": (f"{path}?trang={page - 1}" if page > 2 else path) if page > 1 else None,
        "next": f"{path}?trang={page + 1}" if page < pages else None, "job_path": path,
    }


def export_path(file_format: str, archived: bool) -> str:
    """profile-api's export of the viewer's own subtree (the API's default unit), in the chosen format."""
    chosen = file_format if file_format in FORMATS else "xlsx"
    return f"/api/v1/bulk/export?format={chosen}" + ("&include_archived=true" if archived else "")
