"""`docs/rules.md`, generated from the rule registry: `python -m hoso_shared.validation.docs --write`.
A test fails when the page and the registry disagree."""

from __future__ import annotations

import sys
from pathlib import Path

from hoso_shared.validation import RULES, Criterion

HEADER = """# Data-quality rules (Đúng – Đủ – Sạch – Sống)

Generated from `hoso_shared.validation` by `python -m hoso_shared.validation.docs --write`; do not edit
by hand. Severity `error` keeps a record out of the national sync, `warning` travels with it, `info`
is advice. Messages are shown to users in Vietnamese, with English for operators.
"""


def render() -> str:
    lines = [HEADER]
    for criterion in Criterion:
        rules = sorted((r for r in RULES.values() if r.criterion is criterion), key=lambda r: r.code)
        lines += [f"\n## {criterion.value}\n", "| code | severity | reads | message (vi) | message (en) |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{r.code}` | {r.severity.value} | {', '.join(f'`{f}`' for f in r.reads)} | "
                  f"{r.message_vi} | {r.message_en} |" for r in rules]
    lines.append(f"\n{len(RULES)} rules.\n")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if argv == ["--write"]:
        Path("docs/rules.md").write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
