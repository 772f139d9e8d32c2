"""Country names as address books write them → ISO 3166 codes, from pycountry.

Outlook and Thunderbird write the country as the user typed it ("Deutschland", "USA",
"Österreich"), Google and Apple in English ("Germany", "United States"), DATEV as the ISO
code. pycountry knows every country's English names, its codes and (through its gettext
catalogues) the German names; only the colloquial short forms are added here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from app.services.countries import german_catalogue

# Short forms people type that pycountry does not list (all compared folded, see _key).
_COLLOQUIAL = {
    "d": "DE", "brd": "DE", "bundesrepublikdeutschland": "DE", "a": "AT", "ch": "CH",
    "usa": "US", "us": "US", "vereinigtestaaten": "US", "amerika": "US", "uk": "GB",
    "england": "GB", "großbritannien": "GB", "grossbritannien": "GB", "greatbritain": "GB",
    "schottland": "GB", "wales": "GB", "holland": "NL", "tschechei": "CZ",
    "russland": "RU", "russia": "RU", "südkorea": "KR", "southkorea": "KR",
    "türkei": "TR", "turkey": "TR", "iran": "IR", "vietnam": "VN", "taiwan": "TW",
    "fl": "LI", "nl": "NL", "b": "BE", "l": "LU", "f": "FR", "i": "IT", "pl": "PL",
    "dk": "DK", "cz": "CZ",
}
_NOISE = re.compile(r"[\s.\-']+")


@lru_cache(maxsize=1024)
def country_code(value: str) -> str | None:
    """"Deutschland", "Germany", "DEU", "de", "USA" → the ISO code; None if unknown.

    Cached: every row of a file names the country, and a file names a handful."""
    key = _key(value)
    if not key:
        return None
    return _names().get(key)


def _key(value: str) -> str:
    return _NOISE.sub("", value.strip().casefold())


@cache
def _names() -> dict[str, str]:
    german = german_catalogue()
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        spellings = [code, country.alpha_3, country.name]
        for attribute in ("official_name", "common_name"):
            spelling = getattr(country, attribute, None)
            if spelling:
                spellings.append(spelling)
        spellings.extend(german.gettext(s) for s in list(spellings[2:]))
        for spelling in spellings:
            names.setdefault(_key(spelling), code)
    for spelling, code in _COLLOQUIAL.items():
        names[_key(spelling)] = code
    return names
