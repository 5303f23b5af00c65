"""Findings kept on a change request (`hoso_shared.findings`): no value of the person's is kept, and every
rule's message can be written again from what is kept."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hoso_shared import findings
from hoso_shared.validation import RULES, Context

RECORD = {"profile_id": "p", "org_unit_id": "u", "category": "cong_chuc", "status": "active", "sections": {},
          "items": {"full_name": "Trần Văn Bình", "sex": "M", "birth_date": "1985-05-17",
                    "citizen_id": "001085012345", "first_recruited_on": "1980-03-01", "other_names": "xxx"}}


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rules_message_renders_from_what_is_kept(code: str) -> None:
    """Điều 4 khoản 3 (personal data kept with restricted access): a stored finding keeps no parameter that
    could hold a value of the person's, so each message must still render from the code alone."""
    vi, en = findings.render({"code": code, "params": {}})
    assert vi and en and "{" not in vi + en


def test_kept_findings_hold_no_personal_value() -> None:
    """Điều 4 khoản 3 and Điều 7: what the approver's change request keeps of a judged record names rules,
    fields and labels, never the dates, digits or text the person entered; errors come first."""
    hits = findings.assess(RECORD, Context(today=date(2026, 11, 28)))
    kept = findings.keep(findings.stored(rule, hit) for rule, hit in hits)
    text = json.dumps(kept, ensure_ascii=False)
    for value in ("1985", "1980", "001085012345", "Trần Văn Bình", "xxx"):
        assert value not in text
    assert {"DUNG-NGAY-002", "DU-TRUONG-001"} <= set(findings.blocking(kept))
    assert [f["severity"] for f in kept] == sorted((f["severity"] for f in kept),
                                                   key=["error", "warning", "info"].index)
    [before_birth] = [f for f in kept if f["code"] == "DUNG-NGAY-002"]
    assert findings.read(before_birth)["message_vi"] == (
        "Ngày trước ngày sinh: ngày được tuyển dụng lần đầu là …, nhưng ngày sinh là ….")


def test_a_sender_cannot_smuggle_values_in() -> None:
    """Điều 4 khoản 3: kept findings are sanitised again whoever sent them: unknown codes and parameters are
    dropped, severity and criterion come from the rule table."""
    kept = findings.keep([
        {"code": "DUNG-NGAY-002", "severity": "info", "criterion": "x", "field": "birth_date",
         "params": {"value_vi": "17/05/1985", "label_vi": "ngày sinh"}},
        {"code": "NOT-A-RULE-001", "severity": "error", "params": {}},
    ])
    assert kept == [{"code": "DUNG-NGAY-002", "criterion": "Đúng", "severity": "error", "field": "birth_date",
                     "params": {"label_vi": "ngày sinh"}}]
