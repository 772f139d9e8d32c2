"""What lands in the database, field by field, for each program's export (issue #14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerDetail
from app.services.customers.importing.service import ImportResult
from app.services.errors import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"


def imported(services: Services, path: Path, **options: object) -> ImportResult:
    source = services.customer_import.read(path)
    mapping = services.customer_import.suggested_mapping(source)
    return services.customer_import.apply(source, mapping, **options)  # type: ignore[arg-type]


def fixture(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


def customer(services: Services, text: str) -> CustomerDetail:
    (found,) = services.customers.search(text)
    return services.customers.get(found.id)


def address(detail: CustomerDetail) -> tuple[str, str, str, str]:
    return (detail.street, detail.postcode, detail.city, detail.country)


def extra(detail: CustomerDetail) -> list[tuple[str, str, str, str, str]]:
    return [(a.label, a.street, a.postcode, a.city, a.country) for a in detail.addresses]


def test_outlook_german_csv_lands_with_both_addresses_and_its_empty_dates_ignored(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "outlook_de.csv"))
    assert "Erkannt: Outlook-Export (deutsch)" in result.preview.description
    assert (result.applied, result.added, result.preview.rejected) == (True, 3, ())
    weiss = customer(services, "Weiß")
    assert (weiss.kind, weiss.salutation, weiss.title, weiss.first_name, weiss.company) == (
        "private", "Herr", "Dr.", "Jürgen", "Weiß Heizung, Sanitär GmbH")
    assert address(weiss) == ("Lindenstraße 3", "01067", "Dresden", "DE")
    assert extra(weiss) == [("Geschäftlich", "Gewerbering 12", "01705", "Freital", "DE")]
    assert (weiss.phone, weiss.mobile, weiss.email) == (
        "+493512223334", "+491701234567", "j.weiss@example.de")
    assert (weiss.birthday, weiss.tags) == (Birthday(12, 8, 1965), ("VIP", "Wartung"))
    assert weiss.notes == ("Kunde seit 2010, bevorzugt vormittags\nSchlüssel beim Nachbarn\n"
                           "Telefon (geschäftlich): 0351 1234567\nFax: 0351 7654321\n"
                           "E-Mail: buero@weiss-heizung.example")
    groß = customer(services, "Bäckerei")
    assert (groß.kind, groß.company, address(groß), groß.birthday) == (
        "business", "Bäckerei Groß GmbH", ("Am Markt 1", "04109", "Leipzig", "DE"), None)
    assert extra(groß) == [("Privat", "Feldweg 2", "04425", "Taucha", "DE")]
    oeller = customer(services, "Öller")
    assert (address(oeller), oeller.phone) == (("Ringstraße 8", "1010", "Wien", "AT"), "")


def test_a_value_left_out_is_named_in_the_preview_and_only_by_field_in_the_log(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "outlook_de.csv"))
    assert [(r.line, r.problems) for r in result.preview.with_problems] == [
        (5, ("Telefon „0123“ nicht übernommen",))]
    assert "  Zeile 5: Öller, Maria – Telefon „0123“ nicht übernommen" in (
        result.summary_lines())
    assert result.log_id is not None
    log = services.customer_import.log(result.log_id)
    assert (log.rejected, log.fields_left_out) == ((), ((5, ("Telefon",)),))


def test_outlook_english_csv_reads_us_dates_titles_and_country_names(
    services: Services, tmp_path: Path
) -> None:
    imported(services, fixture(tmp_path, "outlook_en.csv"))
    brandt = customer(services, "Brandt")
    assert (brandt.salutation, brandt.title, brandt.birthday) == (
        "Frau", "", Birthday(12, 8, 1972))
    assert address(brandt) == ("Kirchgasse 4", "01662", "Meißen", "DE")
    assert extra(brandt) == [("Geschäftlich", "Hafenstraße 20", "20457", "Hamburg", "DE")]
    miller = customer(services, "Miller")
    assert (address(miller), miller.phone, miller.birthday) == (
        ("12 Main Street", "02108", "Boston", "US"), "+16175550100", None)


def test_google_csv_takes_the_full_name_lists_labels_and_year_less_birthdays(
    services: Services, tmp_path: Path
) -> None:
    imported(services, fixture(tmp_path, "google.csv"))
    imported(services, fixture(tmp_path, "google_old.csv"))
    lena = customer(services, "Schäfer")
    assert (lena.title, lena.first_name, lena.company, lena.birthday) == (
        "Dr.", "Lena", "Praxis Schäfer", Birthday(15, 4))
    assert (address(lena), extra(lena)) == (
        ("Elbstraße 4", "01796", "Pirna", "DE"),
        [("Geschäftlich", "Praxisweg 1", "01445", "Radebeul", "DE")])
    assert (lena.email, lena.mobile, lena.phone, lena.tags) == (
        "lena@schaefer.example", "+491729998887", "+493514445556", ("VIP", "Wartung"))
    karl = customer(services, "Schmidt")
    assert (karl.first_name, karl.last_name, karl.mobile) == ("Karl", "Schmidt", "+491712345678")
    krause = customer(services, "Krause")
    assert (krause.kind, krause.company, krause.tags) == (
        "business", "Elektro Krause", ("Lieferanten",))


def test_thunderbird_csv_joins_the_three_birthday_columns(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "thunderbird_de.csv"))
    assert "Erkannt: Thunderbird-Adressbuch (deutsch)" in result.preview.description
    joerg = customer(services, "Krüger")
    assert (joerg.birthday, address(joerg), joerg.mobile) == (
        Birthday(15, 4, 1980), ("Am Anger 5, Hinterhaus", "09111", "Chemnitz", "DE"),
        "+4915112345678")
    ute = customer(services, "Lange")
    assert (ute.birthday, address(ute)) == (
        Birthday(4, 7), ("Werkstraße 1", "08056", "Zwickau", "DE"))


def test_datev_debitors_skip_the_meta_line_and_keep_account_numbers_and_kinds(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "datev_debitoren.csv"))
    assert result.preview.description == (
        "CSV, Zeichenkodierung Windows-1252 (Excel), Trennzeichen Semikolon, Kopfzeile in "
        "Zeile 2, Erkannt: DATEV Debitoren/Kreditoren (EXTF)")
    koehler = services.customers.get_by_number("10001")
    assert (koehler.kind, koehler.salutation, koehler.first_name, koehler.last_name) == (
        "private", "Herr", "Björn", "Köhler")
    assert (address(koehler), koehler.phone, koehler.email) == (
        ("Schillerstraße 7", "01069", "Dresden", "DE"), "+493518889990",
        "bjoern.koehler@example.de")
    schulze = services.customers.get_by_number("10002")
    assert (schulze.kind, schulze.company, schulze.salutation, schulze.last_name) == (
        "business", "Elektro Schulze GmbH & Co. KG", "", "")
    dubois = services.customers.get_by_number("10003")
    assert address(dubois) == ("Rue du Marché 2", "67000", "Strasbourg", "FR")


def test_lexoffice_contacts_land_as_persons_and_companies_with_their_tax_numbers_noted(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "lexoffice_kontakte.csv"))
    assert result.preview.description == (
        "CSV, Zeichenkodierung UTF-8 mit BOM, Trennzeichen Semikolon, Erkannt: lexoffice-Export")
    assert (result.added, result.preview.rejected) == (3, ())
    weissgerber = services.customers.get_by_number("10001")
    assert (weissgerber.kind, weissgerber.salutation, weissgerber.title,
            weissgerber.first_name, weissgerber.last_name) == (
        "private", "Frau", "Dr.", "Jördis", "Weißgerber")
    assert (address(weissgerber), weissgerber.phone, weissgerber.mobile,
            weissgerber.email, weissgerber.notes) == (
        ("Königstraße 12, Hinterhaus", "01097", "Dresden", "DE"), "+493514445556",
        "+491712345678", "joerdis@example.de", "Stammkundin seit 2015")
    gross = services.customers.get_by_number("10002")
    assert (gross.kind, gross.company, gross.last_name, address(gross)) == (
        "business", "Dachdeckerei Groß & Söhne GmbH", "",
        ("Am Anger 3", "04109", "Leipzig", "DE"))
    assert gross.notes.splitlines() == [
        "Rechnung per Post", "Ansprechpartner: Herr Bernd Groß", "Fax: 0341 1112224",
        "Steuernummer: 201/123/45678", "USt-IdNr.: DE123456789"]
    yilmaz = customer(services, "Yılmaz")
    assert (yilmaz.first_name, address(yilmaz), yilmaz.email) == (
        "Ömer", ("Rue de la Paix 5", "75002", "Paris", "FR"), "omer@example.fr")


def test_an_organisation_vcard_lands_as_a_company_customer_with_its_details_noted(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "details_4.0.vcf"))
    assert (result.added, result.preview.rejected) == (3, ())
    gross = customer(services, "Bäckerei")
    assert (gross.kind, gross.company, gross.last_name, gross.salutation, gross.phone) == (
        "business", "Bäckerei Groß GmbH", "", "", "+493411234567")
    assert gross.notes.splitlines() == [
        "Ansprechpartner: Frau Hannelore Groß", "Web: https://www.baeckerei-gross.example/",
        "Jahrestag: 15.04.1996"]
    perreault = customer(services, "Perreault")
    assert (perreault.kind, perreault.title, perreault.company) == (
        "private", "Dr.", "Stadtwerke Görlitz")
    assert "Position: Leiterin Kundendienst" in perreault.notes


@pytest.mark.parametrize(("name", "search", "expected"), [
    ("outlook_2.1.vcf", "Weiß", ("Lindenstraße 3", "01067", "Dresden", "DE")),
    ("android_2.1.vcf", "Müller", ("Große Fleischergasse 7", "04109", "Leipzig", "DE")),
    ("iphone_3.0.vcf", "Schäfer", ("Elbstraße 4", "01796", "Pirna", "DE")),
    ("nextcloud_4.0.vcf", "Groß", ("Kastanienallee 9", "10435", "Berlin", "DE")),
    ("mixed_charsets.vcf", "Köhler", ("Hauptstraße 1", "02826", "Görlitz", "DE")),
])
def test_vcards_of_each_program_land_with_their_umlauts_and_preferred_address(
    services: Services, tmp_path: Path, name: str, search: str,
    expected: tuple[str, str, str, str]
) -> None:
    result = imported(services, fixture(tmp_path, name))
    assert result.preview.rejected == ()
    assert address(customer(services, search)) == expected


def test_vcard_details_pref_phones_year_less_birthdays_and_the_extra_address(
    services: Services, tmp_path: Path
) -> None:
    imported(services, fixture(tmp_path, "iphone_3.0.vcf"))
    imported(services, fixture(tmp_path, "outlook_2.1.vcf"))
    lena = customer(services, "Schäfer")
    assert (lena.mobile, lena.email, lena.birthday) == (
        "+491729998887", "lena@schaefer.example", Birthday(15, 4))
    assert extra(lena) == [("Geschäftlich", "Praxisweg 1", "01445", "Radebeul", "DE")]
    weiss = customer(services, "Weiß")
    assert (weiss.phone, weiss.mobile, weiss.company) == (
        "+493511234567", "+491701234567", "Weiß Heizung, Sanitär GmbH")
    assert weiss.notes.startswith("Kunde seit 2010, bevorzugt vormittags; Schlüssel")


def test_a_text_birthday_in_a_vcard_becomes_a_note_and_is_named_in_the_preview(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, fixture(tmp_path, "nextcloud_4.0.vcf"))
    erna = customer(services, "Alt")
    assert (erna.birthday, erna.notes, address(erna)) == (
        None, "Geburtstag: circa 1950", ("Rue du Marché 2", "67000", "Strasbourg", "FR"))
    assert [r.problems for r in result.preview.with_problems] == [
        ("Geburtstag „circa 1950“ ist kein Datum, als Notiz übernommen",)]


def test_an_excel_sheet_with_a_title_row_finds_its_header_and_it_can_be_given(
    services: Services, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Kundenliste Stand 03/2024"])
    sheet.append([])
    sheet.append(["Name", "Vorname", "PLZ", "Ort", "Land", "Telefon", "Geburtstag"])
    sheet.append(["Nowak", "Ewa", 1067, "Dresden", "Deutschland", "0123456789", "kein Datum"])
    sheet.append(["Smith", "Jane", "SW1A 1AA", "London", "Vereinigtes Königreich", "", ""])
    workbook.save(tmp_path / "liste.xlsx")
    result = imported(services, tmp_path / "liste.xlsx")
    assert result.preview.description == "Excel, Kopfzeile in Zeile 3"
    nowak = customer(services, "Nowak")
    assert (address(nowak), nowak.phone, nowak.birthday) == (
        ("", "01067", "Dresden", "DE"), "", None)
    assert result.preview.with_problems[0].problems == (
        "Geburtstag „kein Datum“ nicht übernommen", "Telefon „0123456789“ nicht übernommen")
    assert customer(services, "Smith").country == "GB"
    given = services.customer_import.read(tmp_path / "liste.xlsx", header_line=4)
    assert (given.header[0], len(given.rows)) == ("Nowak", 1)
    with pytest.raises(ValidationError, match="Zeile 2 von „liste.xlsx“ ist leer"):
        services.customer_import.read(tmp_path / "liste.xlsx", header_line=2)


def test_a_csv_mixing_utf8_and_windows_1252_is_stopped_before_anything_is_read(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes("Nachname;Ort\r\nMüller;Görlitz\r\n".encode()
                     + "Weiß;Köln\r\n".encode("cp1252"))
    with pytest.raises(ValidationError, match="Zeile 2 UTF-8, Zeile 3 Windows-1252"):
        services.customer_import.read(path)


def test_a_recognised_file_ignores_a_mapping_saved_for_a_sheet_with_the_same_headers(
    services: Services, tmp_path: Path
) -> None:
    sheet = tmp_path / "eigene.csv"
    sheet.write_text("Nachname;Ort\nMüller;Büro Nord\n", encoding="utf-8")
    source = services.customer_import.read(sheet)
    services.customer_import.apply(source, {0: "last_name"})  # "Ort" left out on purpose
    result = imported(services, fixture(tmp_path, "thunderbird_de.csv"))
    assert address(customer(services, "Krüger"))[2] == "Chemnitz"
    assert result.applied


def test_merging_into_an_existing_customer_adds_the_extra_address_once(
    services: Services, tmp_path: Path
) -> None:
    imported(services, fixture(tmp_path, "outlook_de.csv"))
    again = imported(services, fixture(tmp_path, "outlook_de.csv"), on_duplicate="merge")
    assert (again.added, again.merged) == (0, 3)
    assert extra(customer(services, "Weiß")) == [
        ("Geschäftlich", "Gewerbering 12", "01705", "Freital", "DE")]
    (tmp_path / "neu.vcf").write_bytes(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Weiß;Jürgen\r\nEMAIL:j.weiss@example.de\r\n"
        "ADR;TYPE=HOME;TYPE=pref:;;Lindenstraße 3;Dresden;;01067;Deutschland\r\n"
        "ADR;TYPE=OTHER:;;Waldweg 1;Tharandt;;01737;Deutschland\r\nEND:VCARD\r\n".encode())
    imported(services, tmp_path / "neu.vcf", on_duplicate="merge")
    assert extra(customer(services, "Weiß"))[1] == (
        "Weitere Adresse", "Waldweg 1", "01737", "Tharandt", "DE")


def test_the_preview_says_field_by_field_what_a_row_will_store(
    services: Services, tmp_path: Path
) -> None:
    source = services.customer_import.read(fixture(tmp_path, "outlook_de.csv"))
    mapping = services.customer_import.suggested_mapping(source)
    weiss = services.customer_import.stored(source, mapping, 2)
    assert weiss.fields[:6] == (("Kundenart", "Privatkunde"), ("Anrede", "Herr"),
                                ("Titel", "Dr."), ("Vorname", "Jürgen"), ("Nachname", "Weiß"),
                                ("Firma", "Weiß Heizung, Sanitär GmbH"))
    assert ("Telefon", "0351 2223334") in weiss.fields
    assert ("Geburtstag", "12.08.1965") in weiss.fields
    assert weiss.fields[-1] == ("Weitere Adresse",
                                "Geschäftlich: Gewerbering 12, 01705 Freital (DE)")
    assert services.customer_import.stored(source, mapping, 5).problems == (
        "Telefon „0123“ nicht übernommen",)
