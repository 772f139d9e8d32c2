from __future__ import annotations

import csv
from pathlib import Path

import pytest
import vobject
from openpyxl import load_workbook

from app.db import open_database
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerDetail, CustomerFilter, CustomerInput
from app.services.errors import StorageError, ValidationError
from app.services.outputs import neutralise
from app.services.progress import Cancelled

ANNA = CustomerInput(salutation="Frau", title="Dr.", first_name="Anna", last_name="Müller",
                     street="Hauptstraße 5", postcode="01067", city="Dresden",
                     email="anna@example.de", phone="0351 1234567", mobile="0170 1234567",
                     birthday=Birthday(15, 3, 1980), notes="Klingel defekt; bitte klopfen",
                     owner="Meister", tags=("VIP", "Wartung"))
KORN = CustomerInput(kind="business", company="Bäckerei Korn GmbH", street="Am Markt 1",
                     postcode="04109", city="Leipzig", phone="+43 1 234567",
                     birthday=Birthday(4, 7))
EVIL = CustomerInput(last_name="=HYPERLINK(\"http://x\")", first_name="+1", company="@SUM(A1)",
                     street="-2", notes="Zeile 1\n=Zeile 2")


def comparable(detail: CustomerDetail, *, owner: bool = True) -> tuple[object, ...]:
    return (detail.number, detail.kind, detail.salutation, detail.title, detail.first_name,
            detail.last_name, detail.company, detail.street, detail.postcode, detail.city,
            detail.country, detail.email, detail.phone, detail.mobile, detail.birthday,
            detail.notes, detail.owner if owner else "", detail.tags)


@pytest.fixture
def filled(services: Services) -> Services:
    for data in (ANNA, KORN, EVIL):
        services.customers.create(data)
    return services


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".vcf"])
def test_an_export_imports_back_into_an_empty_database_unchanged(
    filled: Services, tmp_path: Path, clock: FixedClock, suffix: str
) -> None:
    path = tmp_path / f"kunden{suffix}"
    assert filled.customer_export.export(path).count == 3
    fresh = Services.build(open_database(f"sqlite:///{tmp_path}/neu.sqlite3"), clock)
    source = fresh.customer_import.read(path)
    result = fresh.customer_import.apply(source, fresh.customer_import.suggested_mapping(source))
    assert (result.added, result.preview.rejected) == (3, ())
    originals = [filled.customers.get_by_number(n) for n in ("K-000001", "K-000002")]
    copies = [fresh.customers.get_by_number(n) for n in ("K-000001", "K-000002")]
    owner = suffix != ".vcf"  # vCard has no field for the Betreuer
    assert [comparable(c) for c in copies] == [comparable(o, owner=owner) for o in originals]
    fresh.db.dispose()


def test_the_csv_is_utf8_with_bom_semicolons_and_german_headers(
    filled: Services, tmp_path: Path
) -> None:
    path = filled.customer_export.export(tmp_path / "k.csv").path
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfKundennummer;Kundenart;Anrede;Titel;Vorname;")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines(), delimiter=";"))
    anna = dict(zip(rows[0], rows[1], strict=True))
    assert (anna["Nachname"], anna["PLZ"], anna["Telefon"], anna["Geburtstag"], anna["Tags"],
            anna["Notiz"]) == ("Müller", "01067", "0351 1234567", "15.03.1980", "VIP, Wartung",
                               "Klingel defekt; bitte klopfen")


def test_formula_cells_in_the_csv_are_neutralised_with_an_apostrophe(
    filled: Services, tmp_path: Path
) -> None:
    path = filled.customer_export.export(tmp_path / "k.csv").path
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    evil = dict(zip(rows[0], rows[3], strict=True))
    assert (evil["Nachname"], evil["Vorname"], evil["Firma"], evil["Straße"],
            evil["Notiz"]) == ("'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "'-2",
                               "Zeile 1\n=Zeile 2")
    korn = dict(zip(rows[0], rows[2], strict=True))
    assert korn["Telefon"] == "'+43 1 234567"


def test_formula_cells_in_the_xlsx_are_string_cells_not_formulas(
    filled: Services, tmp_path: Path
) -> None:
    path = filled.customer_export.export(tmp_path / "k.xlsx").path
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    evil = {h: c for h, c in zip(header, sheet[4], strict=True)}
    for column, text in (("Nachname", "=HYPERLINK(\"http://x\")"), ("Vorname", "+1"),
                         ("Firma", "@SUM(A1)"), ("Straße", "-2")):
        assert (evil[column].value, evil[column].data_type) == (text, "s")
    anna = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert (anna["PLZ"].value, anna["PLZ"].data_type) == ("01067", "s")


def test_the_vcards_are_version_3_with_name_address_phones_and_birthday(
    filled: Services, tmp_path: Path
) -> None:
    path = filled.customer_export.export(tmp_path / "k.vcf").path
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    anna, korn = cards[0], cards[1]
    assert anna.version.value == "3.0"
    assert (anna.n.value.family, anna.n.value.prefix, anna.adr.value.code) == (
        "Müller", "Frau Dr.", "01067")
    assert sorted((t.type_param, t.value) for t in anna.tel_list) == [
        ("CELL", "+491701234567"), ("VOICE", "+493511234567")]
    assert (anna.bday.value, korn.bday.value, korn.fn.value) == (
        "1980-03-15", "--07-04", "Bäckerei Korn GmbH")


def test_archived_customers_are_left_out_unless_asked_for_and_ids_narrow_the_export(
    filled: Services, tmp_path: Path
) -> None:
    korn = filled.customers.search("Korn")[0]
    filled.customers.set_archived(korn.id, True)
    assert filled.customer_export.export(tmp_path / "a.csv").count == 2
    everyone = filled.customer_export.ids(include_archived=True)
    assert filled.customer_export.export(tmp_path / "b.csv", ids=everyone).count == 3
    assert filled.customer_export.export(tmp_path / "c.csv", ids=[korn.id]).count == 1
    assert "Bäckerei Korn" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


def test_a_wrong_suffix_or_an_unwritable_folder_is_a_clear_error(
    filled: Services, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=".csv, .xlsx oder .vcf"):
        filled.customer_export.export(tmp_path / "k.pdf")
    with pytest.raises(StorageError, match="kann nicht geschrieben werden"):
        filled.customer_export.export(tmp_path / "fehlt" / "k.csv")


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+49", "'+49"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), ("Müller", "Müller")])
def test_neutralise_prefixes_exactly_the_dangerous_first_characters(value: str,
                                                                    expected: str) -> None:
    assert neutralise(value) == expected


class CancelSoon:
    def report(self, done: int, total: int, text: str = "") -> None:
        return None

    def checkpoint(self) -> None:
        raise Cancelled()


def test_a_cancelled_export_leaves_no_file_and_keeps_an_older_one(
    filled: Services, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "k.csv"
    path.write_text("alt", encoding="utf-8")
    with pytest.raises(Cancelled):
        filled.customer_export.export(path, progress=CancelSoon())
    assert [p.name for p in path.parent.iterdir()] == ["k.csv"]
    assert path.read_text(encoding="utf-8") == "alt"
    assert filled.customers.count(CustomerFilter()) == 3
