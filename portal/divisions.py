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


# ---- the administrative division of an entry (the search filter 行政区划) -------------------------------
_COUNTY_CODES = {name: (city_code, code) for city_code, (_, counties) in DIVISIONS.items() for code, name in counties}
_NAMES = {REGION_CODE: REGION, **{code: name for code, (name, _) in DIVISIONS.items()},
          **{code: name for _, counties in DIVISIONS.values() for code, name in counties}}
_CITY_OF_CODE = {code: city_code for city_code, (_, counties) in DIVISIONS.items() for code, _ in counties}


def division_codes(region: str) -> list[str]:
    """The GB/T 2260 codes an entry's region lies in, from the 盟市 down: [自治区] for the whole region,
    [盟市] for a 盟市, [盟市, 旗县区] for a 旗县区 (written alone or after its 盟市); [] outside the region."""
    place = (region or "").strip()
    if place.startswith(REGION):
        place = place[len(REGION):]
    if not place:
        return [REGION_CODE] if region else []
    city = city_of(place)
    if city is None:
        return []
    rest = place[len(city):] if place.startswith(city) else place
    county = _COUNTY_CODES.get(rest)
    return [CITY_CODES[city], county[1]] if county and county[0] == CITY_CODES[city] else [CITY_CODES[city]]


def division_name(code: str) -> str:
    """A division's name, a 旗县区 with its 盟市 (土默特左旗（呼和浩特市）); the code itself when unknown."""
    name = _NAMES.get(code, code)
    city = _CITY_OF_CODE.get(code)
    return f"{name}（{_NAMES[city]}）" if city else name
