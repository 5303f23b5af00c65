"""A scorecard as one CSV table (UTF-8 with BOM, so spreadsheet programs read the diacritics):
one row per `kind` — the unit, each criterion, each rule that found something, each worst record."""

from __future__ import annotations

import csv
import io
import re

from hoso_shared.validation import Criterion
from profile_api.quality.schemas import Scorecard

COLUMNS = ("kind", "key", "name", "criterion", "severity", "records", "count", "share", "errors", "warnings")
DESCRIPTION = ("`?format=csv`: one table, one row per `kind`. `unit`: key = unit code, records, count = "
               "blocking records, share = blocking / records. `criterion`: key = DUNG|DU|SACH|SONG, count = "
               "passing records, share. `rule`: key = rule code, records = records it found something in, "
               "count = findings, share = records / the unit's records. `record` (the worst): key = profile id, "
               "name = full name, errors, warnings.")
CRITERION_KEYS = {c.value: c.name for c in Criterion}


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else ""


def scorecard_csv(card: Scorecard) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = card.records
    writer.writerow(["unit", card.org_unit_code, card.org_unit_name, "", "", n, card.blocking,
                     _share(card.blocking, n), "", ""])
    for c in card.criteria:
        writer.writerow(["criterion", CRITERION_KEYS.get(c.criterion, c.criterion), c.criterion, c.criterion, "", n,
                         c.passing, _share(c.passing, n), "", ""])
    for r in card.rules:
        writer.writerow(["rule", r.code, "", r.criterion, r.severity, r.records, r.findings, _share(r.records, n),
                         "", ""])
    for w in card.worst:
        writer.writerow(["record", str(w.profile_id), w.full_name, "", "", "", "", "", w.errors, w.warnings])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def filename(card: Scorecard) -> str:
    code = re.sub(r"[^A-Za-z0-9._-]", "_", card.org_unit_code)
    return f"hoso-quality-{code}-{card.as_of.isoformat()}.csv"
