"""Reading the demo's data files in portal/demo/data: JSON and UTF-8 CSV, with the standard library only."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


def read_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file with a header line, as dicts of strings."""
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
