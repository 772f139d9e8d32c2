"""Which column of the user's file holds which customer field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.services import tabular
from app.services.customers.importing import extra_address
from app.services.errors import ValidationError

invalid = ValidationError.labelled({"mapping": "Zuordnung", "duplicates": "Dubletten"})

# Field code → German label, in the order the mapping offers them.
FIELDS: dict[str, str] = {
    "number": "Kundennummer", "kind": "Kundenart", "salutation": "Anrede", "title": "Titel",
    "first_name": "Vorname", "last_name": "Nachname", "company": "Firma",
    "street": "Straße", "postcode": "PLZ", "city": "Ort", "country": "Land",
    "email": "E-Mail", "phone": "Telefon", "mobile": "Mobil", "birthday": "Geburtstag",
    "notes": "Notiz", "owner": "Betreuer", "tags": "Tags",
    **extra_address.FIELDS,
}
# Header spellings recognised without asking (compared without case, spaces and punctuation).
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("Kundennummer", "Kunden-Nr.", "Kundennr", "KdNr", "Kd.-Nr.", "Nummer", "Nr.",
               "Customer number", "Customer no", "Customer ID", "Number"),
    "kind": ("Kundenart", "Kundentyp", "Art", "Typ", "Kind", "Customer type", "Type"),
    "salutation": ("Anrede", "Salutation", "Prefix"),
    "title": ("Titel", "Akademischer Titel", "Title"),
    "first_name": ("Vorname", "First name", "Firstname", "Given name", "Forename"),
    "last_name": ("Nachname", "Name", "Familienname", "Last name", "Lastname", "Surname",
                  "Family name"),
    "company": ("Firma", "Firmenname", "Unternehmen", "Company", "Organisation",
                "Organization"),
    "street": ("Straße", "Strasse", "Str.", "Straße und Hausnummer", "Adresse", "Anschrift",
               "Street", "Address", "Address line 1"),
    "postcode": ("PLZ", "Postleitzahl", "Postcode", "Postal code", "Zip", "Zip code"),
    "city": ("Ort", "Stadt", "Wohnort", "City", "Town"),
    "country": ("Land", "Staat", "Country", "Country code"),
    "email": ("E-Mail", "Email", "E-Mail-Adresse", "Mail", "Email address"),
    "phone": ("Telefon", "Tel.", "Telefonnummer", "Festnetz", "Telefon privat",
              "Telefon geschäftlich", "Phone", "Telephone", "Phone number"),
    "mobile": ("Mobil", "Mobiltelefon", "Handy", "Mobilnummer", "Mobile", "Cell",
               "Mobile phone", "Cell phone"),
    "birthday": ("Geburtstag", "Geburtsdatum", "Geb.", "Birthday", "Date of birth", "Birthdate"),
    "notes": ("Notiz", "Notizen", "Bemerkung", "Bemerkungen", "Hinweis", "Note", "Notes",
              "Comment", "Comments"),
    "owner": ("Betreuer", "Betreuerin", "Zuständig", "Sachbearbeiter", "Owner",
              "Account manager"),
    "tags": ("Tags", "Schlagworte", "Stichworte", "Kategorien", "Gruppen", "Categories",
             "Labels", "Groups"),
    **{code: () for code in extra_address.FIELDS},  # matched by their labels only
}
# Header names that mark the header row of a file (the fields' labels and known spellings).
KNOWN_HEADERS = frozenset(tabular.normalize_header(name) for code, names in ALIASES.items()
                          for name in (FIELDS[code], *names))
MAPPING_KEY = "customer_import_mapping"


def parse_mapping(data: object, header: Sequence[str]) -> dict[int, str]:
    """A mapping {"header in the file": "field code or German label"} → column → field.

    Unknown headers or fields raise ValidationError; a field given "" skips the column.
    """
    if not isinstance(data, dict):
        raise invalid({"mapping": "Zuordnung muss ein JSON-Objekt "
                                          "{\"Spalte\": \"Feld\"} sein"})
    by_label = {tabular.normalize_header(label): code for code, label in FIELDS.items()}
    by_label.update({tabular.normalize_header(code): code for code in FIELDS})
    columns = {tabular.normalize_header(h): i for i, h in enumerate(header)}
    mapping: dict[int, str] = {}
    for column_name, wanted in data.items():
        index = columns.get(tabular.normalize_header(str(column_name)))
        if index is None:
            raise invalid({"mapping": f"Spalte „{column_name}“ gibt es in der "
                                              "Datei nicht"})
        if wanted in ("", None):
            continue
        code = by_label.get(tabular.normalize_header(str(wanted)))
        if code is None:
            raise invalid({"mapping": f"Feld „{wanted}“ gibt es nicht (möglich: "
                                              f"{', '.join(FIELDS.values())})"})
        mapping[index] = code
    check_unique(mapping)
    return mapping


def check_unique(mapping: Mapping[int, str]) -> None:
    seen: set[str] = set()
    for code in mapping.values():
        if code in seen:
            raise invalid({"mapping": f"Feld „{FIELDS[code]}“ ist zwei Spalten "
                                              "zugeordnet"})
        seen.add(code)


def mapping_by_header(header: Sequence[str], mapping: Mapping[int, str]) -> dict[str, str]:
    """Column → field as {header: field code}, the form that is saved and logged."""
    return {header[i]: code for i, code in sorted(mapping.items()) if i < len(header)}
