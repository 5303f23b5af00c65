from __future__ import annotations

from hoso_shared.problems import NotFound


class FormatUnknown(NotFound):
    slug, title = "format-unknown", "Không có định dạng gói tin phiên bản đó / no wire format of that version"
