"""Known programs' CSV layouts recognised from the header row and turned into fields."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.services.customers.importing.presets import converter, detect

FIXTURES = Path(__file__).parent / "fixtures"


def rows(name: str, *, encoding: str, skip: int = 0) -> tuple[str, list[dict[str, str]]]:
    text = (FIXTURES / name).read_bytes().decode(encoding)
    sample = text.splitlines()[skip]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[skip:]
    preset = detect(records[0])
    assert preset is not None
    convert = converter(preset, records[0])
    return preset.label, [{k: v for k, v in convert(r).items() if v} for r in records[1:]]


@pytest.mark.parametrize(("name", "encoding", "skip", "label"), [
    ("outlook_de.csv", "cp1252", 0, "Outlook-Export (deutsch)"),
    ("outlook_en.csv", "cp1252", 0, "Outlook-Export (englisch)"),
    ("google.csv", "utf-8", 0, "Google-Kontakte (CSV)"),
    ("google_old.csv", "utf-8", 0, "Google-Kontakte (CSV)"),
    ("thunderbird_de.csv", "utf-8", 0, "Thunderbird-Adressbuch (deutsch)"),
    ("datev_debitoren.csv", "cp1252", 1, "DATEV Debitoren/Kreditoren (EXTF)"),
    ("lexoffice_kontakte.csv", "utf-8-sig", 0, "lexoffice-Export"),
])
def test_each_programs_header_row_is_recognised_by_name(name: str, encoding: str, skip: int,
                                                        label: str) -> None:
    assert rows(name, encoding=encoding, skip=skip)[0] == label


def test_a_plain_sheet_is_no_preset() -> None:
    assert detect(["Nachname", "Vorname", "Straße", "PLZ", "Ort", "E-Mail"]) is None


def test_outlook_german_keeps_both_addresses_and_ignores_the_location_column() -> None:
    weiss, baeckerei, oeller = rows("outlook_de.csv", encoding="cp1252")[1]
    assert weiss == {
        "salutation": "Herr", "title": "Dr.", "first_name": "Jürgen", "last_name": "Weiß",
        "company": "Weiß Heizung, Sanitär GmbH",
        "street": "Lindenstraße 3", "postcode": "01067", "city": "Dresden",
        "country": "Deutschland",
        "address2_label": "Geschäftlich", "address2_street": "Gewerbering 12",
        "address2_postcode": "01705", "address2_city": "Freital",
        "address2_country": "Deutschland",
        "phone": "0351 2223334", "mobile": "0170 1234567", "email": "j.weiss@example.de",
        "birthday": "12.8.1965", "tags": "Wartung;VIP",
        "notes": "Kunde seit 2010, bevorzugt vormittags\nSchlüssel beim Nachbarn\n"
                 "Telefon (geschäftlich): 0351 1234567\nFax: 0351 7654321\n"
                 "E-Mail: buero@weiss-heizung.example",
    }
    assert (baeckerei["company"], baeckerei["street"], baeckerei["postcode"],
            baeckerei["address2_label"], baeckerei["address2_city"]) == (
        "Bäckerei Groß GmbH", "Am Markt 1", "04109", "Privat", "Taucha")
    assert "birthday" not in baeckerei  # "0.0.00" is Outlook's empty date
    assert (oeller["postcode"], oeller["country"], oeller["phone"]) == (
        "1010", "Österreich", "0123")


def test_outlook_english_reads_us_dates_and_the_title_as_salutation() -> None:
    brandt, miller = rows("outlook_en.csv", encoding="cp1252")[1]
    assert (brandt["salutation"], brandt.get("title"), brandt["birthday"]) == (
        "Frau", None, "12.08.1972")
    assert (brandt["street"], brandt["address2_street"]) == ("Kirchgasse 4", "Hafenstraße 20")
    assert "birthday" not in miller
    assert (miller["country"], miller["phone"]) == ("United States", "+1 617 555 0100")


def test_google_splits_lists_takes_labels_as_tags_and_year_less_birthdays() -> None:
    lena, otto = rows("google.csv", encoding="utf-8")[1]
    assert (lena["first_name"], lena["last_name"], lena["title"], lena["company"]) == (
        "Lena", "Schäfer", "Dr.", "Praxis Schäfer")
    assert (lena["street"], lena["city"], lena["address2_street"]) == (
        "Elbstraße 4", "Pirna", "Praxisweg 1")  # a person keeps the home address
    assert (lena["email"], lena["mobile"], lena["phone"]) == (
        "lena@schaefer.example", "+49 172 9998887", "0351 4445556")
    assert lena["notes"] == ("Termine nur dienstags, Parkplatz im Hof\n"
                             "Telefon: 0351 4445557\nE-Mail: praxis@schaefer.example")
    assert (lena["birthday"], lena["tags"]) == ("15.04.", "Wartung,VIP")
    assert (otto["phone"], otto["notes"], otto["birthday"]) == (
        "030 7654321", "Fax: 030 1112223", "1958-11-02")


def test_google_old_format_splits_the_full_name() -> None:
    karl, krause = rows("google_old.csv", encoding="utf-8")[1]
    assert (karl["first_name"], karl["last_name"], karl["mobile"]) == (
        "Karl", "Schmidt", "0171 2345678")
    assert (krause["company"], krause["email"], krause["tags"]) == (
        "Elektro Krause", "info@krause.example", "Lieferanten")
    assert "last_name" not in krause


def test_thunderbird_joins_its_three_birthday_columns() -> None:
    joerg, ute = rows("thunderbird_de.csv", encoding="utf-8")[1]
    assert (joerg["birthday"], ute["birthday"]) == ("15.04.1980", "04.07.")
    assert (joerg["street"], joerg["postcode"], joerg["email"], joerg["mobile"]) == (
        "Am Anger 5, Hinterhaus", "09111", "joerg@krueger.example", "0151 12345678")
    assert joerg["notes"] == "Kamin prüfen, jährlich im Oktober\nE-Mail: j.krueger@firma.example"
    assert (ute["street"], ute["city"]) == ("Werkstraße 1", "Zwickau")


def test_datev_takes_person_or_company_names_by_addressee_type() -> None:
    koehler, schulze, dubois = rows("datev_debitoren.csv", encoding="cp1252", skip=1)[1]
    assert koehler == {
        "kind": "private", "number": "10001", "salutation": "Herr", "first_name": "Björn",
        "last_name": "Köhler", "street": "Schillerstraße 7", "postcode": "01069",
        "city": "Dresden", "country": "DE", "phone": "0351 8889990",
        "email": "bjoern.koehler@example.de", "notes": "Kurzbezeichnung (DATEV): Köhler B.",
    }
    assert (schulze["kind"], schulze["company"], schulze.get("salutation"), schulze["notes"]) == (
        "business", "Elektro Schulze GmbH & Co. KG", None,
        "Fax: 0371 5556660\nKurzbezeichnung (DATEV): Schulze")
    assert (dubois["country"], dubois["postcode"]) == ("FR", "67000")


def test_thunderbird_english_headers_are_recognised_and_read() -> None:
    header = ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email",
              "Secondary Email", "Screen Name", "Work Phone", "Home Phone", "Fax Number",
              "Pager Number", "Mobile Number", "Home Address", "Home Address 2", "Home City",
              "Home State", "Home ZipCode", "Home Country", "Work Address", "Work Address 2",
              "Work City", "Work State", "Work ZipCode", "Work Country", "Job Title",
              "Department", "Organization", "Web Page 1", "Web Page 2", "Birth Year",
              "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4",
              "Notes", ""]
    preset = detect(header)
    assert preset is not None and preset.label == "Thunderbird-Adressbuch (englisch)"
    row = dict.fromkeys(header, "") | {"First Name": "Eve", "Last Name": "Ng",
                                       "Home City": "Leeds", "Birth Year": "1990",
                                       "Birth Month": "12", "Birth Day": "1"}
    values = converter(preset, header)([row[h] for h in header])
    assert (values["first_name"], values["city"], values["birthday"]) == (
        "Eve", "Leeds", "01.12.1990")


def test_lexoffice_reads_persons_and_companies_field_by_field() -> None:
    weissgerber, gross, yilmaz = rows("lexoffice_kontakte.csv", encoding="utf-8-sig")[1]
    assert weissgerber == {
        "number": "10001", "kind": "private", "salutation": "Frau", "title": "Dr.",
        "first_name": "Jördis", "last_name": "Weißgerber",
        "street": "Königstraße 12, Hinterhaus", "postcode": "01097", "city": "Dresden",
        "country": "Deutschland", "phone": "0351 4445556", "mobile": "0171 2345678",
        "email": "joerdis@example.de", "notes": "Stammkundin seit 2015",
    }
    assert gross == {
        "number": "10002", "kind": "business", "company": "Dachdeckerei Groß & Söhne GmbH",
        "street": "Am Anger 3", "postcode": "04109", "city": "Leipzig",
        "country": "Deutschland", "phone": "0341 1112223", "email": "info@gross-dach.example",
        "notes": "Rechnung per Post\nAnsprechpartner: Herr Bernd Groß\nFax: 0341 1112224\n"
                 "Steuernummer: 201/123/45678\nUSt-IdNr.: DE123456789",
    }
    assert (yilmaz["first_name"], yilmaz["last_name"], yilmaz.get("number"),
            yilmaz["country"]) == ("Ömer", "Yılmaz", None, "Frankreich")
