"""README.md renders as meant: every table row belongs to a table (a header, a delimiter row, a blank line
before it), so no configuration row is shown as a paragraph of pipes."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
DELIMITER = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))


def test_every_table_row_is_in_a_table():
    lines = README.read_text(encoding="utf-8").splitlines()
    in_code, block, problems = False, [], []
    for number, line in enumerate(lines + [""], start=1):
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("|"):
            block.append((number, line))
            continue
        if block:
            first = block[0][0]
            if first > 1 and lines[first - 2].strip():
                problems.append(f"line {first}: a table must follow a blank line")
            if len(block) < 2 or not DELIMITER.match(block[1][1]):
                problems.append(f"line {first}: rows without a header and a delimiter row")
            else:
                width = _cells(block[0][1])
                problems += [f"line {n}: {_cells(row)} cells, the header has {width}" for n, row in block
                             if _cells(row) != width]
            block = []
    assert problems == []
    text = "\n".join(lines)
    assert "| `PORTAL_SMTP_HOST`" in text.split("## Production profile")[0]  # in the configuration table
