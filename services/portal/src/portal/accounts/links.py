"""Where other screens send a person to make an account: the personal-account form filled in for someone (from
their record, the people who came in, the home page's task). The values only fill the form in; profile-api checks
everything again when it is sent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode


def new_account_link(profile_id: str, full_name: str, unit_id: str) -> str:
    return "/tai-khoan/tao-ca-nhan?" + urlencode({"ho-so": profile_id, "ten": full_name, "don-vi": unit_id})


def account_for(subject: dict[str, Any]) -> str:
    """A `create_incoming_account` task's screen (Điều 12 khoản 2.2 điểm a): the form filled in for that person."""
    return new_account_link(str(subject["profile_id"]), subject.get("person_name") or "", str(subject["org_unit_id"]))
