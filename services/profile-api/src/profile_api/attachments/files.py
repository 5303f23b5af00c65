"""Pure file handling for evidence scans: what the bytes are (never what the client says), a safe
stored name, and the Content-Disposition that hands it back."""

from __future__ import annotations

import posixpath
import unicodedata
from urllib.parse import quote

# Decided by the first bytes only; the declared type and the name are never trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
KNOWN_EXTENSIONS = frozenset(e for group in EXTENSIONS.values() for e in group)
MAX_NAME_CHARS = 200
FORBIDDEN_CHARS = frozenset('<>:"|?*;')
FALLBACK_STEM = "attachment"


def sniff(data: bytes) -> str | None:
    """The content type the bytes show, if it is one we accept; else None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def _clean(name: str) -> str:
    base = posixpath.basename(unicodedata.normalize("NFC", name).replace("\\", "/"))
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in FORBIDDEN_CHARS)
    return " ".join(kept.split()).strip(". ")


def sanitise_filename(name: str | None, content_type: str) -> str:
    """The base name only, without control or reserved characters, with the extension of the
    sniffed type: a PDF uploaded as "scan.png" is kept as "scan.pdf"."""
    cleaned = _clean(name or "")
    stem, ext = posixpath.splitext(cleaned)
    allowed = EXTENSIONS[content_type]
    if ext.lower() in allowed:
        suffix = ext.lower()
    else:
        suffix = allowed[0]
        stem = stem if ext.lower() in KNOWN_EXTENSIONS else cleaned
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(". ") or FALLBACK_STEM
    return stem + suffix


def _ascii_fallback(filename: str) -> str:
    decomposed = unicodedata.normalize("NFKD", filename)
    chars = (ch if ch.isascii() and ch not in '"\\%' else "_" for ch in decomposed
             if not unicodedata.combining(ch))
    return "".join(chars)


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, and the exact name as RFC 8187 UTF-8."""
    return f"attachment; filename=\"{_ascii_fallback(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"
