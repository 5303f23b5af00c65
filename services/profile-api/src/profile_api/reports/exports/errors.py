from __future__ import annotations

from hoso_shared.problems import Problem


class FileTooLarge(Problem):
    status, slug, title = 413, "export-file-too-large", "The file is larger than the verifier accepts"


class NoFile(Problem):
    status, slug, title = 422, "export-file-missing", "Send the file as the body or as the multipart part `file`"
