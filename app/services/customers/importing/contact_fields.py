"""The fields a recognised file (a vCard, a known program's CSV) is turned into.

Readers of known shapes hand over each contact as {field code: text} in these codes; the
import then maps them like the columns of a file that already had Stammkunde's headers.
`address2_*` is the second address (Outlook's home and business address, a vCard's second
ADR), kept as the customer's extra address.
"""

from __future__ import annotations

CONTACT_FIELDS: dict[str, str] = {
    "number": "Kundennummer", "kind": "Kundenart", "salutation": "Anrede", "title": "Titel",
    "first_name": "Vorname", "last_name": "Nachname", "company": "Firma",
    "street": "Straße", "postcode": "PLZ", "city": "Ort", "country": "Land",
    "email": "E-Mail", "phone": "Telefon", "mobile": "Mobil", "birthday": "Geburtstag",
    "notes": "Notiz", "tags": "Tags",
    "address2_label": "Weitere Adresse: Bezeichnung",
    "address2_street": "Weitere Adresse: Straße",
    "address2_postcode": "Weitere Adresse: PLZ",
    "address2_city": "Weitere Adresse: Ort",
    "address2_country": "Weitere Adresse: Land",
}
ADDRESS_LABELS = {"home": "Privat", "work": "Geschäftlich", "other": "Weitere Adresse"}
SALUTATIONS = {"frau": "Frau", "herr": "Herr", "divers": "Divers", "familie": "Familie",
                "mr": "Herr", "mrs": "Frau", "ms": "Frau", "miss": "Frau", "fr": "Frau",
                "hr": "Herr"}


def empty_contact() -> dict[str, str]:
    return dict.fromkeys(CONTACT_FIELDS, "")


def split_prefix(prefix: str) -> tuple[str, str]:
    """A name prefix "Frau Dr." / "Mr." / "Prof. Dr." → (salutation, academic title)."""
    salutation, title = "", []
    for word in prefix.replace(",", " ").split():
        known = SALUTATIONS.get(word.rstrip(".").casefold())
        if known and not salutation:
            salutation = known
        else:
            title.append(word)
    return salutation, " ".join(title)


def choose_address(addresses: list[tuple[str, dict[str, str]]], values: dict[str, str], *,
                   business: bool, sorted_already: bool = False) -> None:
    """Put the address that fits the contact into the address fields, the next one into the
    extra address: a company keeps its business address, a person the home address.

    `addresses` are (kind, {"street", "postcode", "city", "country"}) with kind home, work
    or other, in the order of preference the file gives; empty addresses are left out.
    `sorted_already`: the file marked its preferred address (vCard `pref`), which wins."""
    filled = [(kind, a) for kind, a in addresses if any(a.values())]
    if not filled:
        return
    if not sorted_already:
        wanted = "work" if business else "home"
        filled.sort(key=lambda item: item[0] != wanted)  # stable: keeps the file's order
    (_kind, first), *others = filled
    for key, value in first.items():
        values[key] = value
    if others:
        kind, second = others[0]
        for key, value in second.items():
            values["address2_" + key] = value
        values["address2_label"] = ADDRESS_LABELS.get(kind, ADDRESS_LABELS["other"])


def add_note(values: dict[str, str], line: str) -> None:
    if line.strip():
        values["notes"] = "\n".join(n for n in (values["notes"], line.strip()) if n)
