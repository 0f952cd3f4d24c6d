"""Administrative divisions of 内蒙古自治区 (GB/T 2260 codes) and street names used by the demo generators.

The data are in data/geo.json.
"""
from __future__ import annotations

from .datafiles import read_json

_GEO = read_json("geo.json")

REGION = _GEO["region"]
REGION_CODE = _GEO["region_code"]

# 盟市 code -> (name, [(county code, county name), ...])
DIVISIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    code: (d["name"], list(d["counties"].items())) for code, d in _GEO["divisions"].items()}

CITY_CODES = {name: code for code, (name, _) in DIVISIONS.items()}
CITIES = [name for name, _ in DIVISIONS.values()]

CENTRES = _GEO["centres"]          # approximate centre of each 盟市 seat: [longitude, latitude]
URBAN = _GEO["urban"]              # urban districts, where most addresses of a city-level data set fall
SEATS = _GEO["seats"]              # seat (政府驻地) of each 盟市: where city-level institutions are
STREETS = _GEO["streets"]
GENERIC_STREETS = _GEO["generic_streets"]
AREA_CODES = _GEO["area_codes"]    # telephone area code of each 盟市


def counties(city: str) -> list[str]:
    return [name for _, name in DIVISIONS[CITY_CODES[city]][1]]


def county_code(city: str, county: str) -> str:
    for code, name in DIVISIONS[CITY_CODES[city]][1]:
        if name == county:
            return code
    return CITY_CODES[city]


def streets(city: str) -> list[str]:
    return STREETS.get(city, GENERIC_STREETS)
