"""Administrative divisions of 内蒙古自治区 (GB/T 2260 codes) and street names used by the demo generators.

The divisions are portal/divisions.py's (portal/divisions.json); the rest is in data/geo.json.
"""
from __future__ import annotations

from ..divisions import CITIES, CITY_CODES, DIVISIONS, REGION, REGION_CODE
from .datafiles import read_json

__all__ = ["CITIES", "CITY_CODES", "DIVISIONS", "REGION", "REGION_CODE"]

_GEO = read_json("geo.json")

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
