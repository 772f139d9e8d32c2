"""Column layouts of the programs offices export from, recognised by their header row.

Each preset names itself for the preview ("Erkannt: Outlook-Export (deutsch)") and turns
one row into the contact fields (`contact_fields`), including what a plain column mapping
cannot do: Outlook's home and business address, Thunderbird's birthday in three columns,
Google's "a ::: b" lists, DATEV's name columns per kind of addressee. The layouts are the
ones the programs publish and write (Outlook 2016–365, Google Contacts "Google CSV" old
and new, Thunderbird 60–128, DATEV format 16 "Debitoren/Kreditoren", lexoffice's contact
table as far as it is published, see `_lexoffice`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.services.customers.importing.contact_fields import (
    add_note,
    choose_address,
    empty_contact,
    split_prefix,
)
from app.services.tabular import normalize_header

Cell = Callable[[str], str]  # header as the program writes it → the stripped cell


@dataclass(frozen=True)
class Preset:
    key: str
    label: str  # shown as "Erkannt: <label>"
    required: tuple[str, ...]  # headers that all have to be there
    convert: Callable[[Cell], dict[str, str]]

    def matches(self, normalized: set[str]) -> bool:
        return all(normalize_header(h) in normalized for h in self.required)


def detect(header: Sequence[str]) -> Preset | None:
    """The preset whose signature headers are all in `header`, if any."""
    normalized = {normalize_header(h) for h in header}
    return next((p for p in PRESETS if p.matches(normalized)), None)


def converter(preset: Preset, header: Sequence[str]) -> Callable[[Sequence[str]], dict[str, str]]:
    """A function from one row's cells to the contact fields."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(normalize_header(name), position)
    keys: dict[str, str] = {}

    def convert(values: Sequence[str]) -> dict[str, str]:
        def cell(name: str) -> str:
            key = keys.get(name)
            if key is None:
                key = keys[name] = normalize_header(name)
            position = index.get(key)
            if position is None or position >= len(values):
                return ""
            return values[position].strip()

        return preset.convert(cell)

    return convert


# --- Outlook ----------------------------------------------------------------------------

_OUTLOOK_NO_DATE = re.compile(r"0+[./]0+[./]0+")


def _outlook(cell: Cell, names: dict[str, str], *, english: bool) -> dict[str, str]:
    values = empty_contact()
    values["salutation"], values["title"] = split_prefix(cell(names["prefix"]))
    values["first_name"], values["last_name"] = cell(names["first"]), cell(names["last"])
    values["company"] = cell(names["company"])
    business = bool(values["company"]) and not values["last_name"]
    addresses = []
    for kind in ("work", "home", "other"):
        street = ", ".join(v for v in (cell(names[f"{kind}_street"]),
                                       cell(names[f"{kind}_street"] + " 2"),
                                       cell(names[f"{kind}_street"] + " 3")) if v)
        country = cell(names[f"{kind}_country"]) or cell(names[f"{kind}_country_old"])
        addresses.append((kind, {"street": street, "postcode": cell(names[f"{kind}_code"]),
                                 "city": cell(names[f"{kind}_city"]), "country": country}))
    choose_address(addresses, values, business=business)
    phones = [("work", names["work_phone"]), ("home", names["home_phone"])]
    if not business:
        phones.reverse()
    found = [(kind, cell(name)) for kind, name in phones if cell(name)]
    if found:
        values["phone"] = found[0][1]
        for kind, number in found[1:]:
            add_note(values, f"Telefon ({'geschäftlich' if kind == 'work' else 'privat'}): "
                             f"{number}")
    values["mobile"] = cell(names["mobile"])
    if fax := cell(names["fax"]):
        add_note(values, f"Fax: {fax}")
    emails = [cell(names[f"email{n}"]) for n in (1, 2, 3)]
    emails = [e for e in emails if e]
    if emails:
        values["email"] = emails[0]
        for other in emails[1:]:
            add_note(values, f"E-Mail: {other}")
    birthday = cell(names["birthday"])
    if birthday and not _OUTLOOK_NO_DATE.fullmatch(birthday):
        values["birthday"] = _us_date(birthday) if english else birthday
    notes = cell(names["notes"]).replace("\r\n", "\n")
    values["notes"] = "\n".join(n for n in (notes, values["notes"]) if n)
    values["tags"] = cell(names["categories"])
    return values


def _us_date(text: str) -> str:
    """Outlook (English) writes M/D/YYYY: "8/12/1965" is the 12th of August."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", text)
    if match is None:
        return text
    month, day, year = match.groups()
    return f"{int(day):02d}.{int(month):02d}.{year}"


_OUTLOOK_DE = {
    "prefix": "Anrede", "first": "Vorname", "last": "Nachname", "company": "Firma",
    "work_street": "Straße geschäftlich", "work_city": "Ort geschäftlich",
    "work_code": "Postleitzahl geschäftlich", "work_country": "Land/Region geschäftlich",
    "work_country_old": "Land geschäftlich",
    "home_street": "Straße privat", "home_city": "Ort privat",
    "home_code": "Postleitzahl privat", "home_country": "Land/Region privat",
    "home_country_old": "Land privat",
    "other_street": "Weitere Straße", "other_city": "Weiterer Ort",
    "other_code": "Weitere Postleitzahl", "other_country": "Weiteres/e Land/Region",
    "other_country_old": "Weiteres Land",
    "work_phone": "Telefon geschäftlich", "home_phone": "Telefon privat",
    "mobile": "Mobiltelefon", "fax": "Fax geschäftlich",
    "email1": "E-Mail-Adresse", "email2": "E-Mail 2: Adresse", "email3": "E-Mail 3: Adresse",
    "birthday": "Geburtstag", "notes": "Notizen", "categories": "Kategorien",
}
_OUTLOOK_EN = {
    "prefix": "Title", "first": "First Name", "last": "Last Name", "company": "Company",
    "work_street": "Business Street", "work_city": "Business City",
    "work_code": "Business Postal Code", "work_country": "Business Country/Region",
    "work_country_old": "Business Country",
    "home_street": "Home Street", "home_city": "Home City",
    "home_code": "Home Postal Code", "home_country": "Home Country/Region",
    "home_country_old": "Home Country",
    "other_street": "Other Street", "other_city": "Other City",
    "other_code": "Other Postal Code", "other_country": "Other Country/Region",
    "other_country_old": "Other Country",
    "work_phone": "Business Phone", "home_phone": "Home Phone",
    "mobile": "Mobile Phone", "fax": "Business Fax",
    "email1": "E-mail Address", "email2": "E-mail 2 Address", "email3": "E-mail 3 Address",
    "birthday": "Birthday", "notes": "Notes", "categories": "Categories",
}


# --- Google Contacts ----------------------------------------------------------------------

_GOOGLE_LIST = " ::: "


def _google(cell: Cell) -> dict[str, str]:
    values = empty_contact()
    values["first_name"] = cell("First Name") or cell("Given Name")
    values["last_name"] = cell("Last Name") or cell("Family Name")
    prefix = cell("Name Prefix")
    values["salutation"], values["title"] = split_prefix(prefix)
    values["company"] = (cell("Organization Name") or cell("Organization 1 - Name")).split(
        _GOOGLE_LIST)[0]
    if not values["first_name"] and not values["last_name"] and not values["company"]:
        full = cell("Name") or cell("File As")
        values["first_name"], _space, values["last_name"] = full.rpartition(" ")
    business = bool(values["company"]) and not values["last_name"]
    addresses = []
    for n in range(1, 6):
        label = _google_label(cell(f"Address {n} - Label") or cell(f"Address {n} - Type"))
        address = {"street": _first(cell(f"Address {n} - Street")),
                   "postcode": _first(cell(f"Address {n} - Postal Code")),
                   "city": _first(cell(f"Address {n} - City")),
                   "country": _first(cell(f"Address {n} - Country"))}
        if not address["street"] and (pobox := _first(cell(f"Address {n} - PO Box"))):
            address["street"] = f"Postfach {pobox}"
        kind = "home" if label == "home" else "work" if label == "work" else "other"
        addresses.append((kind, address))
    choose_address(addresses, values, business=business)
    for n in range(1, 6):
        label = _google_label(cell(f"Phone {n} - Label") or cell(f"Phone {n} - Type"))
        for number in _all(cell(f"Phone {n} - Value")):
            column = "mobile" if label == "mobile" else "" if label in (
                "work fax", "home fax", "fax", "pager") else "phone"
            if column and not values[column]:
                values[column] = number
            else:
                add_note(values, f"{'Fax' if 'fax' in label else 'Telefon'}: {number}")
    for n in range(1, 6):
        for mail in _all(cell(f"E-mail {n} - Value")):
            if not values["email"]:
                values["email"] = mail
            else:
                add_note(values, f"E-Mail: {mail}")
    birthday = cell("Birthday")
    if match := re.fullmatch(r"--(\d{2})-(\d{2})", birthday):
        birthday = f"{match.group(2)}.{match.group(1)}."
    values["birthday"] = birthday
    values["notes"] = "\n".join(n for n in (cell("Notes"), values["notes"]) if n)
    labels = cell("Labels") or cell("Group Membership")
    values["tags"] = ",".join(t.strip() for t in labels.split(_GOOGLE_LIST)
                              if t.strip() and not t.strip().startswith("*"))
    return values


def _google_label(text: str) -> str:
    """"* Home" (the asterisk marks the primary one) → "home"."""
    return text.lstrip("* ").strip().casefold()


def _all(text: str) -> list[str]:
    return [part.strip() for part in text.split(_GOOGLE_LIST) if part.strip()]


def _first(text: str) -> str:
    parts = _all(text)
    return parts[0] if parts else ""


# --- Thunderbird --------------------------------------------------------------------------


def _thunderbird(cell: Cell, names: dict[str, str]) -> dict[str, str]:
    values = empty_contact()
    values["first_name"], values["last_name"] = cell(names["first"]), cell(names["last"])
    values["company"] = cell(names["company"])
    if not values["first_name"] and not values["last_name"] and not values["company"]:
        values["first_name"], _space, values["last_name"] = cell(names["display"]).rpartition(
            " ")
    business = bool(values["company"]) and not values["last_name"]
    addresses = []
    for kind in ("home", "work"):
        street = ", ".join(v for v in (cell(names[f"{kind}_street"]),
                                       cell(names[f"{kind}_street2"])) if v)
        addresses.append((kind, {"street": street, "postcode": cell(names[f"{kind}_code"]),
                                 "city": cell(names[f"{kind}_city"]),
                                 "country": cell(names[f"{kind}_country"])}))
    choose_address(addresses, values, business=business)
    phones = [("privat", cell(names["home_phone"])), ("geschäftlich", cell(names["work_phone"]))]
    if business:
        phones.reverse()
    found = [(label, number) for label, number in phones if number]
    if found:
        values["phone"] = found[0][1]
        for label, number in found[1:]:
            add_note(values, f"Telefon ({label}): {number}")
    values["mobile"] = cell(names["mobile"])
    if fax := cell(names["fax"]):
        add_note(values, f"Fax: {fax}")
    values["email"] = cell(names["email"])
    if second := cell(names["email2"]):
        add_note(values, f"E-Mail: {second}")
    values["birthday"] = _three_part_birthday(cell(names["year"]), cell(names["month"]),
                                              cell(names["day"]))
    values["notes"] = "\n".join(n for n in (cell(names["notes"]), values["notes"]) if n)
    return values


def _three_part_birthday(year: str, month: str, day: str) -> str:
    """Thunderbird's Geburtsjahr/-monat/-tag → "15.04.1980", "15.04." without a year; an
    incomplete date is handed on as it is, so that the check names it."""
    if not day and not month:
        return year
    if day.isdigit() and month.isdigit():
        return f"{int(day):02d}.{int(month):02d}." + (year if year.isdigit() else "")
    return f"{day}.{month}.{year}"


_THUNDERBIRD_DE = {
    "first": "Vorname", "last": "Nachname", "display": "Anzeigename",
    "company": "Organisation", "email": "Primäre E-Mail-Adresse",
    "email2": "Sekundäre E-Mail-Adresse", "work_phone": "Tel. dienstlich",
    "home_phone": "Tel. privat", "fax": "Fax-Nummer", "mobile": "Mobil-Tel.-Nr.",
    "home_street": "Privat: Adresse", "home_street2": "Privat: Adresse 2",
    "home_city": "Privat: Ort", "home_code": "Privat: PLZ", "home_country": "Privat: Land",
    "work_street": "Dienstlich: Adresse", "work_street2": "Dienstlich: Adresse 2",
    "work_city": "Dienstlich: Ort", "work_code": "Dienstlich: PLZ",
    "work_country": "Dienstlich: Land",
    "year": "Geburtsjahr", "month": "Geburtsmonat", "day": "Geburtstag", "notes": "Notizen",
}
_THUNDERBIRD_EN = {
    "first": "First Name", "last": "Last Name", "display": "Display Name",
    "company": "Organization", "email": "Primary Email", "email2": "Secondary Email",
    "work_phone": "Work Phone", "home_phone": "Home Phone", "fax": "Fax Number",
    "mobile": "Mobile Number", "home_street": "Home Address",
    "home_street2": "Home Address 2", "home_city": "Home City", "home_code": "Home ZipCode",
    "home_country": "Home Country", "work_street": "Work Address",
    "work_street2": "Work Address 2", "work_city": "Work City", "work_code": "Work ZipCode",
    "work_country": "Work Country",
    "year": "Birth Year", "month": "Birth Month", "day": "Birth Day", "notes": "Notes",
}


# --- DATEV --------------------------------------------------------------------------------

_DATEV_PERSON, _DATEV_COMPANY = "1", "2"


def _datev(cell: Cell) -> dict[str, str]:
    """DATEV format 16 (Debitoren/Kreditoren): the person's or the company's name columns,
    chosen by "Adressattyp" (1 natural person, 2 company, empty: whichever is filled)."""
    values = empty_contact()
    kind = cell("Adressattyp")
    person = (cell("Name (Adressattyp natürl. Person)"),
              cell("Vorname (Adressattyp natürl. Person)"))
    company = cell("Name (Adressattyp Unternehmen)") or cell("Name (Adressattyp keine Angabe)")
    if kind == _DATEV_PERSON or (kind != _DATEV_COMPANY and any(person)):
        values["kind"] = "private"
        values["last_name"], values["first_name"] = person
        if not any(person):
            values["last_name"] = company
    else:
        values["kind"] = "business"
        values["company"] = company or " ".join(p for p in reversed(person) if p)
    values["number"] = cell("Konto")
    if values["kind"] == "private":  # a company's "Anrede" is "Firma"
        values["salutation"], values["title"] = cell("Anrede"), cell("Titel/Akad. Grad")
    values["street"] = cell("Straße") or (f"Postfach {cell('Postfach')}"
                                          if cell("Postfach") else "")
    values["postcode"], values["city"] = cell("Postleitzahl"), cell("Ort")
    values["country"] = cell("Land")
    values["phone"], values["email"] = cell("Telefon"), cell("E-Mail")
    if fax := cell("Fax"):
        add_note(values, f"Fax: {fax}")
    if short := cell("Kurzbezeichnung"):
        add_note(values, f"Kurzbezeichnung (DATEV): {short}")
    return values


# --- lexoffice / Lexware Office --------------------------------------------------------------


def _lexoffice(cell: Cell) -> dict[str, str]:
    """lexoffice's contact table: a filled "Firmenname" makes the contact a company (its
    person names are the contact person, kept in the note); tax numbers go to the note.

    Published (support.lexoffice.de, "Anleitung zum Import von Kontakten"): the columns A–D
    Kundennummer, Firmenname, Steuernummer, Umsatzsteuer ID, and that Anrede, Vorname and
    Nachname, Straße (with the house number), PLZ and Ort are separate columns. The other
    spellings read here are the ones of that table's usual German headers."""
    values = empty_contact()
    values["number"] = cell("Kundennummer")
    person = (cell("Anrede"), cell("Titel"), cell("Vorname"), cell("Nachname"))
    if company := cell("Firmenname"):
        values["kind"], values["company"] = "business", company
        if any(person):
            add_note(values, "Ansprechpartner: " + " ".join(p for p in person if p))
    else:
        values["kind"] = "private"
        values["salutation"], values["title"] = person[0], person[1]
        values["first_name"], values["last_name"] = person[2], person[3]
    values["street"] = ", ".join(v for v in (cell("Straße"), cell("Adresszusatz")) if v)
    values["postcode"], values["city"] = cell("PLZ"), cell("Ort")
    values["country"] = cell("Land")
    values["email"] = cell("E-Mail")
    values["phone"], values["mobile"] = cell("Telefon"), cell("Mobil")
    if fax := cell("Fax"):
        add_note(values, f"Fax: {fax}")
    if tax := cell("Steuernummer"):
        add_note(values, f"Steuernummer: {tax}")
    if vat := cell("Umsatzsteuer ID"):
        add_note(values, f"USt-IdNr.: {vat}")
    values["notes"] = "\n".join(n for n in (cell("Notiz"), values["notes"]) if n)
    return values


PRESETS: tuple[Preset, ...] = (
    Preset("outlook_de", "Outlook-Export (deutsch)",
           ("Vorname", "Nachname", "Straße geschäftlich", "Straße privat", "E-Mail-Adresse"),
           lambda cell: _outlook(cell, _OUTLOOK_DE, english=False)),
    Preset("outlook_en", "Outlook-Export (englisch)",
           ("First Name", "Last Name", "Business Street", "Home Street", "E-mail Address"),
           lambda cell: _outlook(cell, _OUTLOOK_EN, english=True)),
    Preset("google", "Google-Kontakte (CSV)", ("E-mail 1 - Value", "Phone 1 - Value"),
           _google),
    Preset("thunderbird_de", "Thunderbird-Adressbuch (deutsch)",
           ("Primäre E-Mail-Adresse", "Geburtsjahr", "Geburtsmonat", "Geburtstag"),
           lambda cell: _thunderbird(cell, _THUNDERBIRD_DE)),
    Preset("thunderbird_en", "Thunderbird-Adressbuch (englisch)",
           ("Primary Email", "Birth Year", "Birth Month", "Birth Day"),
           lambda cell: _thunderbird(cell, _THUNDERBIRD_EN)),
    Preset("datev", "DATEV Debitoren/Kreditoren (EXTF)",
           ("Konto", "Name (Adressattyp Unternehmen)", "Name (Adressattyp natürl. Person)"),
           _datev),
    Preset("lexoffice", "lexoffice-Export",
           ("Kundennummer", "Firmenname", "Steuernummer", "Umsatzsteuer ID"), _lexoffice),
)
