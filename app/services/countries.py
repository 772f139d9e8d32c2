"""German country names from their ISO 3166 codes, through pycountry's gettext catalogues.

One place for the letters' country line, the import's names and the readable Auskunft.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry


@cache
def german_catalogue() -> gettext.NullTranslations:
    """pycountry's German translations of its (English) country names."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"],
                               fallback=True)


def german_name(code: str) -> str:
    """"AT" → "Österreich"; an unknown code stays as it is."""
    country = pycountry.countries.get(alpha_2=code.strip().upper()) if code.strip() else None
    return code if country is None else german_catalogue().gettext(country.name)
