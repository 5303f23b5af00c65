"""The words of the account screens for profile-api's codes (kinds, roles, access changes), and the roles each
screen offers. What the caller may actually give is profile-api's rule (accounts/policy.py, hanoi-2024 Điều 9): the
portal offers what a caller of these roles would be allowed, and shows the API's refusal if it is not."""

from __future__ import annotations

from collections.abc import Iterable

from portal.i18n import N_

KINDS = {"person": N_("Cá nhân"), "agency": N_("Cơ quan"), "client": N_("Hệ thống")}
ROLES = {"officer": N_("Cán bộ, công chức, viên chức"), "approver": N_("Người phê duyệt"),
         "agency_admin": N_("Quản trị của cơ quan, đơn vị"), "doha_admin": N_("Quản trị của Sở Nội vụ"),
         "hr_system": N_("Hệ thống quản lý nhân sự"), "service": N_("Dịch vụ nội bộ"),
         "auditor": N_("Thanh tra, kiểm tra, giám sát")}
ACTIONS = {"disable": N_("Khóa tài khoản (hủy quyền truy cập)"), "enable": N_("Mở lại tài khoản"),
           "roles": N_("Thay đổi quyền (hạn chế, mở rộng)"), "delegate": N_("Ủy quyền tạo lập tài khoản cá nhân"),
           "undelegate": N_("Thu hồi ủy quyền tạo lập tài khoản cá nhân")}
ADMINS = frozenset({"agency_admin", "doha_admin"})


def offered_roles(caller_roles: Iterable[str], kind: str) -> list[str]:
    """The roles a form offers for an account of `kind` (Điều 9: DOHA gives any person's or agency's role; an agency
    gives officers', approvers' and auditors' personal accounts, and agency accounts to its sub-units; a delegate
    officers'). Auditors (Điều 19 khoản 6, Điều 21 khoản 5) read the audit log of their subtree, never a record."""
    mine = set(caller_roles)
    if "doha_admin" in mine:
        found = {"person": ["officer", "approver", "agency_admin", "doha_admin", "auditor"],
                 "agency": ["agency_admin", "approver", "doha_admin"]}
    elif "agency_admin" in mine:
        found = {"person": ["officer", "approver", "auditor"], "agency": ["agency_admin", "approver"]}
    else:
        found = {"person": ["officer"]}
    return found.get(kind, [])


def may_create_agencies(caller_roles: Iterable[str]) -> bool:
    return bool(ADMINS & set(caller_roles))
