"""`python -m sync_gateway.national [DOCS_DIR]`: writes the generated format documents (default: ./docs)."""

from __future__ import annotations

import sys
from pathlib import Path

from sync_gateway.national.table import documents


def main(argv: list[str]) -> int:
    docs = Path(argv[0] if argv else "docs")
    for name, text in documents().items():
        (docs / name).write_text(text, encoding="utf-8")
        print(f"wrote {docs / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
