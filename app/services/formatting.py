"""German display formats for money and dates, and parsing money typed or imported.

Money is integer cents; `Decimal` with ROUND_HALF_UP only at these edges, never float.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_MONEY_CHARS = re.compile(r"[€\s\u00a0]|EUR", re.IGNORECASE)
# The bounds of every amount, date and count a user or a file gives: far beyond any craft
# business, well inside a 64-bit integer and inside the dates that date arithmetic handles.
MAX_CENTS = 99_999_999_999  # 999.999.999,99 €
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MAX_COUNT = 1_000_000_000


def format_cents(cents: int, *, symbol: bool = True) -> str:
    """12345678 → "123.456,78 €"."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    text = f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"
    return f"{text} €" if symbol else text


def format_number(value: float, digits: int = 1) -> str:
    """German decimal comma and thousands dot: 1234.5 → "1.234,5"."""
    return f"{value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def format_count(count: int, one: str, many: str) -> str:
    """A count with its noun in the right number: (1, "Kunde", "Kunden") → "1 Kunde",
    (0, …) → "0 Kunden", (1234, …) → "1.234 Kunden". German uses the singular for exactly
    one; the dative forms work the same way ("vor 1 Tag", "vor 3 Tagen")."""
    return f"{format_number(count, 0)} {one if abs(count) == 1 else many}"


def format_share(share: float) -> str:
    """A share of one as a German percentage: 0.123 → "12,3 %"."""
    return f"{format_number(share * 100, 1)} %"


def format_points(difference: float) -> str:
    """A difference of two shares in percentage points: 0.125 → "+12,5 Pp."."""
    return f"{'+' if difference >= 0 else '-'}{format_number(abs(difference) * 100, 1)} Pp."


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


def parse_cents(text: str) -> int:
    """Read "1.234,56", "1234.56", "1234,56 €", "-5" or "12" as cents.

    Raises ValueError with a German reason. A single separator followed by exactly three
    digits ("1.234") is a thousands separator, as German users write it.
    """
    raw = _MONEY_CHARS.sub("", text.strip())
    if not raw:
        raise ValueError("Betrag fehlt")
    decimal_sep = _decimal_separator(raw)
    thousands = {",", "."} - {decimal_sep}
    normalized = "".join(ch for ch in raw if ch not in thousands)
    if decimal_sep:
        normalized = normalized.replace(decimal_sep, ".")
    try:
        amount = Decimal(normalized)
    except InvalidOperation:
        raise ValueError(f"„{text}“ ist kein Geldbetrag") from None
    if not amount.is_finite():
        raise ValueError(f"„{text}“ ist kein Geldbetrag")
    if abs(amount) > Decimal(MAX_CENTS) / 100:
        raise ValueError(f"„{text}“ ist zu groß (höchstens {format_cents(MAX_CENTS)})")
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents == 0 and amount != 0:
        raise ValueError(f"„{text}“ ist weniger als ein Cent")
    return cents


def _decimal_separator(raw: str) -> str:
    """Which of "," and "." is the decimal separator in `raw` ("" for none)."""
    if "," in raw and "." in raw:
        return "," if raw.rfind(",") > raw.rfind(".") else "."
    for sep in (",", "."):
        if sep in raw:
            if raw.count(sep) > 1:
                return ""
            if sep == "." and len(raw.rpartition(".")[2]) == 3:
                return ""  # "1.234" is German for one thousand two hundred thirty-four
            return sep
    return ""


def parse_date(text: str) -> date:
    """Read TT.MM.JJJJ (also T.M.JJ) or ISO YYYY-MM-DD; ValueError with a German reason."""
    value = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(f"„{text}“ liegt außerhalb von {format_date(FIRST_DAY)} bis "
                             f"{format_date(LAST_DAY)}")
        return day
    raise ValueError(f"„{text}“ ist kein Datum (TT.MM.JJJJ)")


def parse_count(text: str, *, maximum: int = MAX_COUNT) -> int:
    """A whole number from 0 to `maximum` (points, limits, days); ValueError in German."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"„{text}“ ist keine ganze Zahl") from None
    if not 0 <= value <= maximum:
        raise ValueError(f"„{text}“ liegt außerhalb von 0 bis {maximum:,}".replace(",", "."))
    return value
