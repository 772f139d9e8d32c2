"""The tolerant vCard reader on cards in the shapes Outlook, Android, Apple and vCard 4.0
writers produce (fixtures written after the public test files of vCard libraries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.customers.importing.vcard import read_vcards
from app.services.errors import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"


def contacts(name: str) -> list[dict[str, str]]:
    read = read_vcards((FIXTURES / name).read_bytes(), name=name)
    assert read.rejected == ()
    return [{k: v for k, v in c.values.items() if v} for c in read.contacts]


def test_outlook_21_card_keeps_quoted_printable_address_commas_and_the_preferred_address(
) -> None:
    (weiss,) = contacts("outlook_2.1.vcf")
    assert weiss == {
        "salutation": "Herr", "first_name": "Jürgen", "last_name": "Weiß",
        "company": "Weiß Heizung, Sanitär GmbH",
        "street": "Lindenstraße 3", "postcode": "01067", "city": "Dresden",
        "country": "Deutschland",
        "email": "j.weiss@example.de", "phone": "+49 (351) 1234567", "mobile": "0170 1234567",
        "birthday": "12.08.1965",
        "notes": "Kunde seit 2010, bevorzugt vormittags; Schlüssel beim Nachbarn\n"
                 "Fax: +49 (351) 7654321\nTelefon (privat): 0351 2223334\n"
                 "E-Mail: buero@weiss-heizung.example",
        "address2_label": "Geschäftlich", "address2_street": "Gewerbering 12",
        "address2_postcode": "01705", "address2_city": "Freital",
        "address2_country": "Deutschland",
    }


def test_android_21_cards_decode_utf8_quoted_printable_across_soft_line_breaks() -> None:
    anna, tischlerei = contacts("android_2.1.vcf")
    assert (anna["last_name"], anna["street"], anna["postcode"]) == (
        "Müller", "Große Fleischergasse 7", "04109")
    assert anna["notes"] == "Kundin seit 2012, Heizungswartung im Frühjahr, Tür hinten benutzen"
    assert (anna["mobile"], anna["phone"], anna["birthday"]) == (
        "+49 170 9876543", "0341 5556667", "15.03.1980")
    assert tischlerei == {"company": "Tischlerei Holzwurm", "phone": "03523 456789"}


def test_apple_card_honours_pref_item_labels_and_the_year_less_birthday() -> None:
    (lena,) = contacts("iphone_3.0.vcf")
    assert (lena["title"], lena["first_name"], lena["last_name"], lena["company"]) == (
        "Dr.", "Lena", "Schäfer", "Praxis Schäfer, Zahnärzte")
    assert (lena["email"], lena["mobile"], lena["phone"]) == (
        "lena@schaefer.example", "0172 9998887", "0351 4445556")
    assert (lena["street"], lena["postcode"], lena["city"]) == ("Elbstraße 4", "01796", "Pirna")
    assert (lena["address2_label"], lena["address2_street"]) == ("Geschäftlich", "Praxisweg 1")
    assert lena["birthday"] == "15.04."
    assert lena["tags"] == "Wartung,VIP"
    assert lena["notes"] == ("Termine nur dienstags, Parkplatz im Hof\n"
                             "Telefon (mobil): 0176 11122233\nE-Mail: praxis@schaefer.example")


def test_vcard_40_takes_pref_1_tel_uris_and_month_day_birthdays() -> None:
    otto, erna = contacts("nextcloud_4.0.vcf")
    assert (otto["phone"], otto["mobile"], otto["email"]) == (
        "+49-30-7654321", "+49-151-22233344", "o.gross@firma.example")
    assert otto["birthday"] == "04.07."
    assert otto["notes"] == "Telefon (privat): +49-30-1234567\nE-Mail: otto@example.de"
    assert (otto["country"], erna["country"]) == ("Germany", "Frankreich")


def test_a_text_birthday_is_kept_as_a_note_and_named_as_a_problem() -> None:
    read = read_vcards((FIXTURES / "nextcloud_4.0.vcf").read_bytes(), name="k.vcf")
    erna = read.contacts[1]
    assert (erna.values["birthday"], erna.values["notes"]) == ("", "Geburtstag: circa 1950")
    assert erna.problems == ("Geburtstag „circa 1950“ ist kein Datum, als Notiz übernommen",)


def test_cards_in_iso_8859_1_and_utf8_in_one_file_both_keep_their_umlauts() -> None:
    bjoern, ayse = contacts("mixed_charsets.vcf")
    assert (bjoern["first_name"], bjoern["last_name"], bjoern["city"]) == (
        "Björn", "Köhler", "Görlitz")
    assert (ayse["first_name"], ayse["last_name"], ayse["street"]) == (
        "Ayşe", "Öztürk", "Südring 3")


def test_undeclared_windows_1252_and_utf8_cards_in_one_file_are_refused_naming_the_cards(
) -> None:
    data = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen\r\nEND:VCARD\r\n".encode() +
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Weiß;Anna\r\nEND:VCARD\r\n".encode("cp1252"))
    with pytest.raises(ValidationError, match=r"ab Zeile 1 UTF-8, ab Zeile 5 Windows-1252"):
        read_vcards(data, name="k.vcf")


def test_a_card_with_mojibake_is_refused_with_its_line() -> None:
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:MÃ¼ller;JÃ¼rgen\r\nEND:VCARD\r\n".encode()
    with pytest.raises(ValidationError, match=r"ab Zeile 1 sind verstümmelt"):
        read_vcards(data, name="k.vcf")


def test_a_broken_card_is_rejected_with_its_name_and_the_others_are_read() -> None:
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Karl Kaputt\r\nN:Kaputt;Karl\r\n"
            b"das ist keine vCard-Zeile\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Heil;Hanna\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Offen;Olaf\r\n")
    read = read_vcards(data, name="k.vcf")
    assert [c.values["last_name"] for c in read.contacts] == ["Heil"]
    assert [(r.line, r.reason) for r in read.rejected] == [
        (1, "vCard nicht lesbar (Karl Kaputt): Zeile 5 ist keine vCard-Zeile "
            "(ohne Doppelpunkt)"),
        (11, "vCard nicht lesbar (Offen, Olaf): END:VCARD fehlt")]


def test_a_card_whose_declared_charset_does_not_fit_is_rejected_by_name() -> None:
    data = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Gut;Gerd\r\nNOTE;CHARSET=UTF-8:Gr\xfc\xdfe\r\n"
            b"END:VCARD\r\n")
    read = read_vcards(data, name="k.vcf")
    assert read.contacts == ()
    assert read.rejected[0].reason == ("vCard nicht lesbar (Gut, Gerd): Zeile 4: Zeichensatz "
                                       "„UTF-8“ passt nicht")


def test_folded_lines_escaped_commas_and_the_customer_number_are_read() -> None:
    data = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lang;Lisa\r\nNOTE:Erste Zeile\\nzweite\\, mit Ko\r\n"
            " mma\r\nX-KUNDENNUMMER:K-000042\r\nCATEGORIES:Wartung\\, jährlich,VIP\r\n"
            "END:VCARD\r\n").encode()
    (lisa,) = read_vcards(data, name="k.vcf").contacts
    assert lisa.values["notes"] == "Erste Zeile\nzweite, mit Komma"
    assert (lisa.values["number"], lisa.values["tags"]) == ("K-000042", "Wartung, jährlich,VIP")


def test_text_outside_a_card_is_named_and_a_file_without_cards_is_refused() -> None:
    read = read_vcards(b"Hallo\r\nBEGIN:VCARD\r\nN:A;B\r\nEND:VCARD\r\n", name="k.vcf")
    assert [(r.line, r.reason) for r in read.rejected] == [(1, "Text außerhalb einer vCard")]
    with pytest.raises(ValidationError, match="enthält keine vCard"):
        read_vcards(b"\r\n\r\n", name="leer.vcf")


def test_a_21_photo_block_ended_by_an_empty_line_does_not_swallow_the_next_lines() -> None:
    data = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Bild;Berta\r\nPHOTO;TYPE=JPEG;ENCODING=BASE64:\r\n"
            b" /9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRof\r\n"
            b" Hh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/==\r\n\r\n"
            b"TEL;CELL:0170 1234567\r\nEND:VCARD\r\n")
    (berta,) = read_vcards(data, name="k.vcf").contacts
    assert (berta.values["last_name"], berta.values["mobile"]) == ("Bild", "0170 1234567")


def test_vcard_4_organisation_cards_become_companies_and_details_go_to_the_note() -> None:
    gross, perreault, schulze = contacts("details_4.0.vcf")
    assert gross == {
        "kind": "business", "company": "Bäckerei Groß GmbH", "street": "Am Markt 1",
        "postcode": "04109", "city": "Leipzig", "country": "Deutschland",
        "email": "info@baeckerei-gross.example", "phone": "+49-341-1234567",
        "notes": "Ansprechpartner: Frau Hannelore Groß\n"
                 "Web: https://www.baeckerei-gross.example/\nJahrestag: 15.04.1996",
    }
    assert perreault == {  # KIND:individual at a company stays a person
        "title": "Dr.", "first_name": "Simone", "last_name": "Perreault",
        "company": "Stadtwerke Görlitz", "street": "Hauptstraße 1", "postcode": "02826",
        "city": "Görlitz", "country": "Deutschland", "email": "simone@example.de",
        "notes": "Position: Leiterin Kundendienst\nRolle: Projektleitung\n"
                 "Web: http://simone.example/\nJahrestag: 08.08.2009",
    }
    assert schulze == {"kind": "business", "company": "Elektro Schulze"}  # FN names it


def test_apple_company_cards_and_outlook_job_titles_are_read() -> None:
    weiss, mueller = contacts("details_apple_outlook.vcf")
    assert weiss == {
        "kind": "business", "company": "Dachdeckerei Weiß", "street": "Elbufer 3",
        "postcode": "01069", "city": "Dresden", "country": "Deutschland",
        "phone": "0351 777888", "notes": "Web: https://dach-weiss.example",
    }
    assert mueller == {  # vCard 2.1 TITLE is the position, never the academic title
        "first_name": "Anna", "last_name": "Müller", "company": "Hausverwaltung Nord",
        "phone": "040 123456",
        "notes": "Position: Geschäftsführerin\nWeb: http://www.hv-nord.example",
    }
