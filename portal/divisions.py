"""The administrative divisions of 内蒙古自治区 (GB/T 2260 codes): its 12 盟市 and their 旗县区, in
portal/divisions.json. The statistics map counts entries per 盟市 with them; the demo generators draw addresses
from them (portal/demo/geo.py)."""
from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads(Path(__file__).with_name("divisions.json").read_text(encoding="utf-8"))

REGION: str = _DATA["region"]
REGION_CODE: str = _DATA["region_code"]

# 盟市 code -> (name, [(county code, county name), ...]), in GB/T 2260 order
DIVISIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    code: (d["name"], list(d["counties"].items())) for code, d in _DATA["divisions"].items()}

CITY_CODES = {name: code for code, (name, _) in DIVISIONS.items()}
CITIES = [name for name, _ in DIVISIONS.values()]
_COUNTY_CITY = {county: city for city, counties in ((n, c) for n, c in DIVISIONS.values()) for _, county in counties}


def city_of(region: str) -> str | None:
    """The 盟市 a catalog entry's region lies in: the 盟市 itself, a place written after its 盟市
    ("呼和浩特市土默特左旗"), or one of its 旗县区; None for the whole region or a place outside it."""
    region = (region or "").strip()
    if region.startswith(REGION):
        region = region[len(REGION):]
    for city in CITIES:
        if region.startswith(city):
            return city
    return _COUNTY_CITY.get(region)
