"""Electronic identifiers of agencies (mã định danh điện tử của cơ quan, tổ chức), which Điều 19 khoản 2 of the Hanoi
regulation requires for exchanging data, as Quyết định 20/2020/QĐ-TTg (22/7/2020, amended by QĐ 09/2025/QĐ-TTg for
level-1 codes) defines them.

What the shape rests on (QĐ 20/2020/QĐ-TTg Điều 4 khoản 1, as quoted by thuvienphapluat.vn and dientungaynay.vn,
and the level layout it keeps from QCVN 102:2016/BTTTT, e.g. Quảng Ninh's QĐ 3739/QĐ-UBND: `V1V2V3.Z1Z2.Y1Y2.H49`):
- at most 35 characters: dots and the characters 0–9 and A–Z (upper case, English alphabet);
- groups of characters separated by dots, one group per level of the hierarchy;
- the level-1 code (mã cấp 1) is the right-most group: a letter naming the kind of body (G a ministry, H a
  provincial People's Committee, K a provincial People's Council…) and two digits (Hà Nội's UBND is H26, Bộ Nội vụ
  G09); level 2 is two characters, level 3 two, level 4 three, to the left of it; a level not used is zeros, so
  `000.00.00.H26` is the UBND of Hà Nội itself and `000.00.01.H26`-like codes its departments and districts.

We could not read Điều 4's rules for levels below the fourth in the sources found, so further groups to the left
(1–3 letters or digits each) are accepted within the 35-character limit rather than refused. Pure: no I/O."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_LENGTH = 35
_SHAPE = re.compile(r"(?:[0-9A-Z]{1,3}\.)*[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}")
DESCRIPTION = ("Mã định danh điện tử của cơ quan, tổ chức theo Quyết định 20/2020/QĐ-TTg (Điều 19 khoản 2), ví dụ "
               "`000.00.00.H26`: nhóm ký tự (0–9, A–Z viết hoa) cách nhau bởi dấu chấm, tối đa 35 ký tự; nhóm cuối "
               "là mã cấp 1 (một chữ cái và hai chữ số), trước đó mã cấp 2 (2 ký tự), cấp 3 (2), cấp 4 (3). The "
               "agency's electronic identifier under QĐ 20/2020/QĐ-TTg: dot-separated groups of 0–9/A–Z, at most 35 "
               "characters, the level-1 code (a letter and two digits, e.g. H26) last, then levels 2 (2 "
               "characters), 3 (2) and 4 (3) to its left. Required of a unit before it submits a sync batch; "
               "packets carry it as `agency_id`.")


def problem(value: str) -> str | None:
    """Why `value` is not an electronic identifier (Vietnamese first), or None when it is one."""
    if len(value) > MAX_LENGTH:
        return f"dài quá {MAX_LENGTH} ký tự / longer than {MAX_LENGTH} characters"
    if not _SHAPE.fullmatch(value):
        return ("không đúng cấu trúc mã định danh theo QĐ 20/2020/QĐ-TTg (ví dụ 000.00.00.H26) / not shaped as a "
                "QĐ 20/2020/QĐ-TTg identifier (e.g. 000.00.00.H26)")
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def _checked(value: str) -> str:
    if (why := problem(value)) is not None:
        raise ValueError(why)
    return value


AgencyId = Annotated[str, Field(max_length=MAX_LENGTH, description=DESCRIPTION), AfterValidator(_checked)]
