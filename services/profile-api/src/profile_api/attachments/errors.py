from __future__ import annotations

from hoso_shared.problems import NotFound, PayloadTooLarge, Problem, ValidationFailed


class ProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such profile, or not yours to see"


class AttachmentNotFound(NotFound):
    slug, title = "attachment-not-found", "No such attachment, or not yours to see"


class UnsupportedFileType(Problem):
    status, slug, title = 415, "unsupported-file-type", "Only PDF, JPEG and PNG scans are accepted"


class EmptyFile(ValidationFailed):
    slug, title = "empty-file", "The file is empty"


class FileTooLarge(PayloadTooLarge):
    slug, title = "file-too-large", "The file is larger than uploads allow"
