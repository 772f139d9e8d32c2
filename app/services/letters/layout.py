"""DIN 5008 geometry and the words of a letter: recipient block and salutation line.

All positions are millimetres measured from the page's top-left corner, as the norm states
them; the PDF writer converts to reportlab's bottom-left points. Form B (the usual one) puts
the address field 45 mm from the top, form A 27 mm.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.countries import german_name
from app.services.customers import naming

PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
LEFT_MARGIN = 25.0
RIGHT_MARGIN = 20.0
ADDRESS_FIELD_LEFT = 20.0
ADDRESS_FIELD_WIDTH = 85.0
ADDRESS_FIELD_HEIGHT = 45.0
RETURN_ZONE_HEIGHT = 5.0  # Rücksendeangabe
NOTE_ZONE_HEIGHT = 12.7  # Zusatz- und Vermerkzone
MAX_RECIPIENT_LINES = 6
HOLE_MARK = 148.5
FOOTER_TOP = 272.0
BODY_BOTTOM = 262.0
NEXT_PAGE_BODY_TOP = 25.0
INFO_BLOCK_LEFT = 125.0


@dataclass(frozen=True)
class LetterForm:
    """One of the two DIN 5008 forms (A: short letterhead, B: tall letterhead)."""

    name: str
    address_top: float
    fold_marks: tuple[float, float]
    info_top: float
    body_top: float

    @property
    def letterhead_height(self) -> float:
        return self.address_top

    @property
    def address_zone_top(self) -> float:
        """Top of the Anschriftzone: the recipient lines start here."""
        return self.address_top + RETURN_ZONE_HEIGHT + NOTE_ZONE_HEIGHT

    @property
    def address_bottom(self) -> float:
        return self.address_top + ADDRESS_FIELD_HEIGHT


FORM_A = LetterForm("A", address_top=27.0, fold_marks=(87.0, 192.0), info_top=32.0,
                    body_top=80.46)
FORM_B = LetterForm("B", address_top=45.0, fold_marks=(105.0, 210.0), info_top=50.0,
                    body_top=98.46)
FORMS = {"A": FORM_A, "B": FORM_B}


@dataclass(frozen=True)
class PostalAddress:
    """What a recipient block is built from; the primary contact for business customers."""

    kind: str = "private"  # private | business
    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    contact_salutation: str = ""
    contact_title: str = ""
    contact_first_name: str = ""
    contact_last_name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"


def _joined(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def country_line(code: str, *, home: str = "DE") -> str:
    """The country in German capitals (ÖSTERREICH), empty for the home country."""
    code = (code or home).upper()
    if code == home:
        return ""
    return german_name(code).upper()


def recipient_block(address: PostalAddress, *, home: str = "DE") -> tuple[str, ...]:
    """The lines of the Anschriftzone, at most six (DIN 5008 / Deutsche Post).

    Private: Anrede / Titel Vorname Nachname / Straße / PLZ Ort / LAND.
    Business: Firma / z. Hd. Anrede Titel Vorname Nachname (primary contact) / Straße / …
    Both shapes have at most six lines by construction.
    """
    lines = list(naming.recipient_lines(kind=address.kind, company=address.company,
                                        person=_person(address), contact=_contact(address)))
    if address.street.strip():
        lines.append(address.street.strip())
    place = _joined(address.postcode, address.city)
    if place:
        lines.append(place)
    country = country_line(address.country, home=home)
    if country:
        lines.append(country)
    return tuple(lines[:MAX_RECIPIENT_LINES])


def salutation_line(address: PostalAddress) -> str:
    """"Sehr geehrte Frau Dr. Müller," from the person (or the primary contact)."""
    return naming.letter_salutation(kind=address.kind, company=address.company,
                                    person=_person(address), contact=_contact(address))


def addressee(address: PostalAddress) -> naming.Person:
    """Whom a letter to this address speaks to (`{{ vorname }}`, `{{ nachname }}`)."""
    return naming.addressee(kind=address.kind, company=address.company,
                            person=_person(address), contact=_contact(address))


def _person(address: PostalAddress) -> naming.Person:
    return naming.Person(address.salutation, address.title, address.first_name,
                         address.last_name)


def _contact(address: PostalAddress) -> naming.Person:
    return naming.Person(address.contact_salutation, address.contact_title,
                         address.contact_first_name, address.contact_last_name)


def postal_problem(address: PostalAddress) -> str | None:
    """Why a letter to this address cannot be delivered, or None when it can."""
    if not (address.last_name.strip() or address.company.strip()):
        return "kein Name"
    missing = [label for label, value in (("Straße", address.street), ("PLZ", address.postcode),
                                          ("Ort", address.city)) if not value.strip()]
    if missing:
        return "Anschrift unvollständig (" + ", ".join(missing) + " fehlt)"
    if (address.country or "DE").upper() == "DE" and not (
        len(address.postcode.strip()) == 5 and address.postcode.strip().isdigit()
    ):
        return f"PLZ „{address.postcode}“ ist keine deutsche Postleitzahl"
    return None
