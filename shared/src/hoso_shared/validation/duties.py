"""Whose move it is when a rule fails. Most findings are in the record itself, which the person corrects through a
change request (hanoi-2024 Điều 6 khoản 1: the officer updates their own data), so HR may ask them to (profile-api
fix_requests). A few are another party's duty, and asking the person would give them a task they cannot do:

- an update waiting past its approval window: the unit's approver (Điều 7);
- an approved record not yet synced: the agency's sync batch and DOHA's decision (Điều 14, Điều 15);
- the record not checked against the population register lately: HR runs the check (QĐ MIC 2021).

Each such rule names who acts instead, Vietnamese first. Every other rule is the person's."""

from __future__ import annotations

OTHERS_DUTY: dict[str, str] = {
    "SONG-APPROVE-001": "người phê duyệt của đơn vị (Điều 7) / the unit's approver",
    "SONG-APPROVE-002": "người phê duyệt của đơn vị (Điều 7) / the unit's approver",
    "SONG-SYNC-001": "cơ quan gửi lô đồng bộ và Sở Nội vụ (Điều 14, 15) / the agency's sync batch and DOHA",
    "SONG-CITIZEN-001": "bộ phận tổ chức cán bộ, kiểm tra với CSDL dân cư / HR, by checking against the register",
    "SONG-CITIZEN-002": "bộ phận tổ chức cán bộ, kiểm tra với CSDL dân cư / HR, by checking against the register",
}


def persons_to_fix(code: str) -> bool:
    """Whether the person whose record it is can make `code` stop failing."""
    return code not in OTHERS_DUTY
