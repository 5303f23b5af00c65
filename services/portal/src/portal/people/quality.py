"""A record's Đúng–Đủ–Sạch–Sống verdict as profile-api gives it (`GET /api/v1/profiles/{id}/quality`), for the record
page HR reads: which criteria it passes, and each finding in the reader's language with the line of the form it
concerns. The API judges; the portal only arranges its answer."""

from __future__ import annotations

from typing import Any

from hoso_shared.form import layout
from portal.i18n import N_

# The API's criteria are these words (hoso_shared.validation.Criterion): the msgids of their English.
CRITERIA = (N_("Đúng"), N_("Đủ"), N_("Sạch"), N_("Sống"))
SEVERITIES = {"error": N_("Lỗi"), "warning": N_("Cảnh báo"), "info": N_("Lưu ý")}
ORDER = {"error": 0, "warning": 1, "info": 2}


def quality_panel(report: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """None when the API gave no verdict (refused or unavailable): the page then says nothing of quality."""
    if report is None:
        return None
    findings = sorted(report["findings"], key=lambda f: (ORDER.get(f["severity"], 3), f["code"]))
    return {
        "as_of": report["as_of"], "blocking": report["blocking"], "errors": report["errors"],
        "warnings": report["warnings"],
        "criteria": [{"name": c["criterion"], "passed": c["passed"]} for c in report["criteria"]],
        "findings": [{"code": f["code"], "criterion": f["criterion"],
                      "severity": SEVERITIES.get(f["severity"], f["severity"]), "severe": f["severity"] == "error",
                      "where": layout.label_of(f["field"]) if f["field"] else None,
                      "message": f["message_en"] if lang == "en" and f["message_en"] else f["message_vi"]}
                     for f in findings],
    }
