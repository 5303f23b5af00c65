from __future__ import annotations

from hoso_shared.problems import NotFound, Problem, ValidationFailed


class UnsupportedFileType(Problem):
    status, slug, title = 415, "unsupported-file-type", "Only an .xlsx workbook or a UTF-8 .csv file can be imported"


class ImportFileTooLarge(Problem):
    status, slug, title = 413, "import-file-too-large", "The file is larger than an import accepts"


class ImportFileEmpty(ValidationFailed):
    slug, title = "import-file-empty", "The file is empty"


class ImportJobNotFound(NotFound):
    slug, title = "import-job-not-found", "No such import job, or not in your subtree"


class ExportUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"
