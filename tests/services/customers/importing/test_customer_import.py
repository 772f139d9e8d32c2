from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text

from app.models import Customer, Interaction
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerFilter, CustomerInput
from app.services.customers.importing.readers import Source
from app.services.customers.importing.rows import parse_birthday
from app.services.errors import ValidationError
from app.services.progress import Cancelled

HEADER = ["Kundennummer", "Anrede", "Vorname", "Nachname", "Firma", "Straße", "PLZ", "Ort",
          "E-Mail", "Telefon", "Geburtstag", "Tags"]
ROWS = [
    ["K-000010", "Frau", "Anna", "Müller", "", "Hauptstraße 5", "01067", "Dresden",
     "anna@example.de", "0351 1234567", "15.03.1980", "Wartung, VIP"],
    ["", "Herr", "Jürgen", "Weiß", "", "Bahnhofstraße 2", "80331", "München",
     "juergen@example.de", "089 1234567", "", ""],
    ["", "", "", "", "Bäckerei Groß GmbH", "Am Markt 1", "04109", "Leipzig", "", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ";", bom: bool = False, header: list[str] = HEADER) -> Path:
    lines = []
    for row in [header, *rows]:
        lines.append(delimiter.join(f'"{c}"' if delimiter in c or '"' in c else c for c in row))
    data = "\r\n".join(lines).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def read(services: Services, path: Path) -> tuple[Source, dict[int, str]]:
    source = services.customer_import.read(path)
    return source, services.customer_import.suggested_mapping(source)


def imported(services: Services, path: Path, **options: object):  # noqa: ANN201
    source, mapping = read(services, path)
    return services.customer_import.apply(source, mapping, **options)  # type: ignore[arg-type]


def count(services: Services) -> int:
    return services.customers.count(CustomerFilter(status="all"))


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True),
                                               ("cp1252", False)])
def test_every_encoding_and_delimiter_imports_the_same_customers_with_their_umlauts(
    services: Services, tmp_path: Path, encoding: str, bom: bool, delimiter: str
) -> None:
    path = write_csv(tmp_path / "kunden.csv", ROWS, encoding=encoding, delimiter=delimiter,
                     bom=bom)
    result = imported(services, path)
    assert (result.applied, result.added, result.preview.rejected) == (True, 3, ())
    anna = services.customers.get_by_number("K-000010")
    assert (anna.last_name, anna.street, anna.postcode, anna.phone) == (
        "Müller", "Hauptstraße 5", "01067", "+493511234567")
    assert anna.birthday == Birthday(15, 3, 1980)
    assert anna.tags == ("VIP", "Wartung")
    names = {row.name for row in services.customers.search("", limit=10)}
    assert names == {"Müller, Anna", "Weiß, Jürgen", "Bäckerei Groß GmbH"}


def test_a_german_excel_csv_in_cp1252_keeps_every_umlaut(
    services: Services, tmp_path: Path
) -> None:
    text = ("Kd.-Nr.;Anrede;Vorname;Name;Straße;PLZ;Ort;Bemerkung\r\n"
            "4711;Frau;Bärbel;Schäfer-Müßig;Königsallee 3;40212;Düsseldorf;"
            "\"Hund; bissig – Vorsicht\"\r\n")
    path = tmp_path / "Kunden Excel.csv"
    path.write_bytes(text.encode("cp1252"))
    source, mapping = read(services, path)
    assert source.describe() == "CSV, Zeichenkodierung Windows-1252 (Excel), " \
                                "Trennzeichen Semikolon"
    result = services.customer_import.apply(source, mapping)
    customer = services.customers.get_by_number("4711")
    assert result.added == 1
    assert (customer.first_name, customer.last_name, customer.street, customer.city,
            customer.notes) == ("Bärbel", "Schäfer-Müßig", "Königsallee 3", "Düsseldorf",
                                "Hund; bissig – Vorsicht")


def test_postcodes_keep_their_leading_zero_and_an_excel_number_gets_it_back(
    services: Services, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nachname", "PLZ", "Ort", "Land"])
    sheet.append(["Text", "01067", "Dresden", "DE"])
    sheet.append(["Zahl", 1067, "Dresden", "Deutschland"])
    sheet.append(["Wien", 1010, "Wien", "Österreich"])
    workbook.save(tmp_path / "plz.xlsx")
    result = imported(services, tmp_path / "plz.xlsx")
    assert result.added == 3
    rows = {r.name: (r.postcode, r.city) for r in services.customers.search("", limit=5)}
    assert rows == {"Text": ("01067", "Dresden"), "Zahl": ("01067", "Dresden"),
                    "Wien": ("1010", "Wien")}


VCARDS = """BEGIN:VCARD
VERSION:3.0
N:Müller;Anna;;Frau Dr.;
FN:Dr. Anna Müller
ADR;TYPE=HOME:;;Hauptstraße 5;Dresden;;01067;Deutschland
TEL;TYPE=WORK,VOICE:0351 1234567
TEL;TYPE=CELL:0170 1234567
EMAIL;TYPE=INTERNET:anna@example.de
BDAY:1980-03-15
CATEGORIES:Wartung,VIP
NOTE:Klingel defekt
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Kaputt;Karl
das ist keine vCard-Zeile
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Bäckerei Korn
ORG:Bäckerei Korn GmbH
TEL;VALUE=uri;TYPE="voice,work":tel:+49-341-1234567
BDAY:--0704
END:VCARD
"""


def test_a_broken_vcard_in_the_middle_is_rejected_with_its_line_and_the_rest_imports(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "kontakte.vcf"
    path.write_text(VCARDS, encoding="utf-8")
    result = imported(services, path, skip_invalid=True)
    assert (result.added, [r.line for r in result.preview.rejected]) == (2, [13])
    assert "vCard nicht lesbar" in result.preview.rejected[0].reason
    anna = services.customers.search("Müller")[0]
    detail = services.customers.get(anna.id)
    assert (detail.salutation, detail.title, detail.postcode, detail.mobile, detail.birthday,
            detail.tags, detail.notes) == ("Frau", "Dr.", "01067", "+491701234567",
                                           Birthday(15, 3, 1980), ("VIP", "Wartung"),
                                           "Klingel defekt")
    korn = services.customers.get(services.customers.search("Korn")[0].id)
    assert (korn.kind, korn.company, korn.phone) == ("business", "Bäckerei Korn GmbH",
                                                     "+493411234567")


def test_rejected_rows_name_their_line_and_reason_and_stop_the_import(
    services: Services, tmp_path: Path
) -> None:
    rows = [*ROWS, ["", "", "Otto", "Fehler", "", "", "1234x", "", "otto@@x", "", "", ""],
            ["", "", "", "", "", "", "", "", "", "", "", ""]]
    rows[-1][0] = "K" * 40
    rows[-1][3] = "Zulang"
    result = imported(services, write_csv(tmp_path / "k.csv", rows))
    assert not result.applied
    assert count(services) == 0
    assert [(r.line, r.reason) for r in result.preview.rejected] == [
        (5, "PLZ: „1234x“ ist keine gültige PLZ für DE (5 Ziffern); "
            "E-Mail: „otto@@x“ ist keine gültige E-Mail-Adresse"),
        (6, "Kundennummer: zu lang (40 Zeichen, höchstens 32)")]
    assert "Nichts übernommen" in result.summary_lines()[-1]


def test_skip_invalid_imports_the_good_rows_and_logs_the_rejected_ones(
    services: Services, tmp_path: Path
) -> None:
    rows = [*ROWS, ["", "", "Otto", "Fehler", "", "", "1234x", "", "", "", "", ""]]
    result = imported(services, write_csv(tmp_path / "k.csv", rows), skip_invalid=True,
                      by="Büro")
    assert (result.applied, result.added, count(services)) == (True, 3, 3)
    assert result.log_id is not None
    log = services.customer_import.log(result.log_id)
    assert (log.file_name, log.imported_by, log.rows_total, log.added, log.rejected_count) == (
        "k.csv", "Büro", 4, 3, 1)
    assert log.rejected[0].line == 5 and "PLZ" in log.rejected[0].reason
    assert "1234x" not in log.rejected[0].reason  # the log keeps the field, not the value
    assert "1234x" in result.preview.rejected[0].reason
    assert log.mapping["PLZ"] == "postcode"
    assert [entry.id for entry in services.customer_import.logs()] == [result.log_id]


def test_every_new_customer_gets_a_timeline_entry_naming_the_file(
    services: Services, tmp_path: Path
) -> None:
    imported(services, write_csv(tmp_path / "alt.csv", ROWS), by="Büro")
    anna = services.customers.get_by_number("K-000010")
    entry = services.timeline.entries(anna.id)[0]
    assert (entry.channel, entry.subject, entry.author) == (
        "system", "Kunde angelegt (Import aus alt.csv)", "Büro")


def test_numbers_from_the_file_are_kept_and_new_ones_continue_after_them(
    services: Services, tmp_path: Path
) -> None:
    imported(services, write_csv(tmp_path / "k.csv", ROWS))
    numbers = sorted(r.number for r in services.customers.search("", limit=5))
    assert numbers == ["K-000010", "K-000011", "K-000012"]
    assert services.customers.create(CustomerInput(last_name="Neu")).number == "K-000013"


def test_a_row_like_an_existing_customer_is_a_duplicate_and_skipped_by_default(
    services: Services, tmp_path: Path
) -> None:
    existing = services.customers.create(CustomerInput(
        first_name="Anna", last_name="Meier", postcode="01067", email="ANNA@example.de"))
    result = imported(services, write_csv(tmp_path / "k.csv", ROWS))
    assert [(r.line, r.duplicates[0].customer_id, r.duplicates[0].reason)
            for r in result.preview.duplicates] == [
        (2, existing.id, "gleiche E-Mail (anna@example.de)")]
    assert (result.added, result.skipped, count(services)) == (2, 1, 3)


def test_merge_fills_the_empty_fields_of_the_existing_customer(
    services: Services, tmp_path: Path
) -> None:
    existing = services.customers.create(CustomerInput(
        first_name="Anna", last_name="Müller", postcode="01067", notes="Stammkundin"))
    result = imported(services, write_csv(tmp_path / "k.csv", ROWS), on_duplicate="merge")
    merged = services.customers.get(existing.id)
    assert (result.added, result.merged, count(services)) == (2, 1, 3)
    assert (merged.number, merged.email, merged.phone, merged.street, merged.notes,
            merged.tags) == (existing.number, "anna@example.de", "+493511234567",
                             "Hauptstraße 5", "Stammkundin", ("VIP", "Wartung"))
    assert "Beim Import ergänzt (k.csv, Zeile 2)" in [
        e.subject for e in services.timeline.entries(existing.id)]


def test_add_anyway_creates_a_second_customer_and_per_row_choices_win(
    services: Services, tmp_path: Path
) -> None:
    services.customers.create(CustomerInput(last_name="Müller", first_name="Anna",
                                            postcode="01067"))
    services.customers.create(CustomerInput(last_name="Weiss", first_name="Jürgen",
                                            postcode="80331"))
    result = imported(services, write_csv(tmp_path / "k.csv", ROWS), on_duplicate="add",
                      choices={3: "skip"})
    assert (result.added, result.skipped) == (2, 1)
    assert len(services.customers.search("Müller")) == 2
    assert len(services.customers.search("Weiß")) == 1


def test_duplicates_within_the_file_are_found_and_merged_into_the_first_row(
    services: Services, tmp_path: Path
) -> None:
    rows = [ROWS[0], ["", "", "Anna", "Mueller", "", "", "01067", "", "", "", "",
                      "Empfehlung"], ["", "", "Hans", "Neu", "", "", "", "",
                                      "anna@example.de", "0170 7654321", "", ""]]
    path = write_csv(tmp_path / "k.csv", rows)
    source, mapping = read(services, path)
    preview = services.customer_import.preview(source, mapping)
    assert [(r.line, r.duplicates[0].line, r.duplicates[0].reason.split(" (")[0])
            for r in preview.duplicates] == [(3, 2, "ähnlicher Name an gleicher PLZ"),
                                             (4, 2, "gleiche E-Mail")]
    result = services.customer_import.apply(source, mapping, on_duplicate="merge")
    assert (result.added, result.merged, count(services)) == (1, 2, 1)
    anna = services.customers.get_by_number("K-000010")
    assert (anna.first_name, anna.tags) == ("Anna", ("Empfehlung", "VIP", "Wartung"))


def test_importing_the_same_file_twice_finds_every_row_as_a_duplicate(
    services: Services, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "k.csv", ROWS)
    imported(services, path)
    again = imported(services, path)
    assert (len(again.preview.duplicates), again.added, count(services)) == (3, 0, 3)
    assert again.preview.duplicates[0].duplicates[0].reason == "gleiche Kundennummer (K-000010)"


class CancelAt:
    """Cancels at the n-th checkpoint, like the Cancel button would."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.calls = 0

    def report(self, done: int, total: int, text: str = "") -> None:
        return None

    def checkpoint(self) -> None:
        self.calls += 1
        if self.calls >= self.at:
            raise Cancelled()


class FailWhileWriting:
    def report(self, done: int, total: int, text: str = "") -> None:
        if text == "Kunden anlegen" and done > 0:
            raise OSError("Datenträger voll")

    def checkpoint(self) -> None:
        return None


def big_file(tmp_path: Path, rows: int) -> Path:
    return write_csv(tmp_path / "gross.csv", [
        ["", "", f"Vorname{i}", f"Name{i}", "", f"Weg {i}", f"{10000 + i % 80000:05d}", "Ort",
         f"k{i}@example.de", "", "", "Import"] for i in range(rows)])


@pytest.mark.parametrize("at", [1, 3, 12])
def test_a_cancelled_import_writes_nothing(services: Services, tmp_path: Path,
                                           at: int) -> None:
    services.customers.create(CustomerInput(last_name="Vorher"))
    source, mapping = read(services, big_file(tmp_path, 5000))
    with pytest.raises(Cancelled):
        services.customer_import.apply(source, mapping, progress=CancelAt(at))
    assert count(services) == 1
    assert services.customer_import.logs() == []
    assert services.customers.tags() == []


def test_an_import_failing_halfway_writes_nothing(services: Services, tmp_path: Path) -> None:
    source, mapping = read(services, big_file(tmp_path, 5000))
    with pytest.raises(OSError):
        services.customer_import.apply(source, mapping, progress=FailWhileWriting())
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0


def customers_schema(services: Services) -> list[tuple[str, str, str]]:
    """The customer tables with their indexes (and SQLite's FTS5 table) as the catalog has them."""
    query = ("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('customers', "
             "'customer_fts') ORDER BY type, name") if services.db.is_sqlite else (
             "SELECT 'index', indexname, indexdef FROM pg_indexes "
             "WHERE tablename = 'customers' ORDER BY indexname")
    with services.db.read() as session:
        return [tuple(r) for r in session.execute(text(query))]


@pytest.mark.parametrize("at", [11, 13])
def test_a_big_import_cancelled_while_writing_leaves_schema_and_indexes_as_they_were(
    services: Services, tmp_path: Path, at: int
) -> None:
    before = customers_schema(services)
    assert any(name == "ix_customers_email" for _t, name, _s in before)
    source, mapping = read(services, big_file(tmp_path, 5000))
    with pytest.raises(Cancelled):
        services.customer_import.apply(source, mapping, progress=CancelAt(at))
    assert customers_schema(services) == before


def test_a_big_import_failing_or_succeeding_leaves_schema_and_indexes_as_they_were(
    services: Services, tmp_path: Path
) -> None:
    before = customers_schema(services)
    source, mapping = read(services, big_file(tmp_path, 5000))
    with pytest.raises(OSError):
        services.customer_import.apply(source, mapping, progress=FailWhileWriting())
    assert customers_schema(services) == before
    assert services.customer_import.apply(source, mapping).added == 5000
    assert customers_schema(services) == before
    assert len(services.customers.search("k4711@example.de")) == 1


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_headers(
    services: Services, tmp_path: Path
) -> None:
    header = ["Zuname", "Kundenbetreuer", "Wohnort", "Notiz"]
    path = write_csv(tmp_path / "k.csv", [["Huber", "Meister", "Passau", "x"]], header=header)
    source, mapping = read(services, path)
    assert mapping == {2: "city", 3: "notes"}
    services.customer_import.apply(source, {0: "last_name", 1: "owner", 2: "city"})
    again, remembered = read(services, write_csv(tmp_path / "k2.csv", [["Maier", "", "", ""]],
                                                 header=header))
    assert remembered == {0: "last_name", 1: "owner", 2: "city"}
    assert again.header == tuple(header)


def test_a_mapping_file_maps_columns_by_field_code_or_german_label(
    services: Services, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "k.csv", [["Huber", "Passau", "x"]],
                     header=["Zuname", "Stadt", "Müll"])
    mapping_file = tmp_path / "zuordnung.json"
    mapping_file.write_text(json.dumps({"Zuname": "Nachname", "Stadt": "city", "Müll": ""}),
                            encoding="utf-8")
    source = services.customer_import.read(path)
    assert services.customer_import.mapping_from_file(mapping_file, source) == {
        0: "last_name", 1: "city"}


@pytest.mark.parametrize(("content", "message"), [
    ('{"Zuname": "Lieblingsfarbe"}', "Feld „Lieblingsfarbe“ gibt es nicht"),
    ('{"Gibtsnicht": "city"}', "Spalte „Gibtsnicht“ gibt es in der Datei nicht"),
    ('{"Zuname": "city", "Stadt": "Ort"}', "Feld „Ort“ ist zwei Spalten zugeordnet"),
    ("[1, 2]", "JSON-Objekt"),
    ("{kaputt", "keine lesbare JSON-Datei"),
])
def test_a_bad_mapping_file_is_refused_with_a_reason(
    services: Services, tmp_path: Path, content: str, message: str
) -> None:
    source = services.customer_import.read(write_csv(
        tmp_path / "k.csv", [["Huber", "Passau"]], header=["Zuname", "Stadt"]))
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        services.customer_import.mapping_from_file(mapping_file, source)


def test_cells_protected_against_formulas_by_our_export_come_back_unchanged(
    services: Services, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "k.csv", [["'-Bindestrich", "'+49 170 1234567", "'=Bau"]],
                     header=["Nachname", "Mobil", "Notiz"])
    imported(services, path)
    customer = services.customers.get(services.customers.search("Bindestrich")[0].id)
    assert (customer.last_name, customer.mobile, customer.notes) == (
        "-Bindestrich", "+491701234567", "=Bau")


@pytest.mark.parametrize(("text", "expected"), [
    ("15.03.1980", Birthday(15, 3, 1980)), ("1980-03-15", Birthday(15, 3, 1980)),
    ("19800315", Birthday(15, 3, 1980)), ("15.03.", Birthday(15, 3)),
    ("--0315", Birthday(15, 3)), ("--03-15", Birthday(15, 3)),
    ("1980-03-15 00:00:00", Birthday(15, 3, 1980)),
])
def test_birthdays_are_read_in_german_iso_and_vcard_spellings(text: str,
                                                              expected: Birthday) -> None:
    assert parse_birthday(text) == expected


def test_an_empty_or_unknown_file_is_a_clear_file_error(services: Services,
                                                        tmp_path: Path) -> None:
    (tmp_path / "leer.csv").write_bytes(b"")
    (tmp_path / "leer.vcf").write_bytes(b"\n\n")
    with pytest.raises(ValidationError, match="leer.csv“ ist leer"):
        services.customer_import.read(tmp_path / "leer.csv")
    with pytest.raises(ValidationError, match="enthält keine vCard"):
        services.customer_import.read(tmp_path / "leer.vcf")
    with pytest.raises(ValidationError, match="nicht gefunden"):
        services.customer_import.read(tmp_path / "fehlt.vcf")


def test_imported_and_later_created_customers_are_both_found_by_the_search(
    services: Services, tmp_path: Path
) -> None:
    imported(services, write_csv(tmp_path / "k.csv", ROWS))
    services.customers.create(CustomerInput(last_name="Später", city="Dresden"))
    assert [r.name for r in services.customers.search("Dresden")] == ["Müller, Anna", "Später"]
    assert [r.name for r in services.customers.search("0351 1234567")] == ["Müller, Anna"]
    assert [r.number for r in services.customers.search("K-000011")] == ["K-000011"]


def test_the_number_of_an_anonymised_customer_is_neither_a_duplicate_nor_reused(
    services: Services, tmp_path: Path
) -> None:
    gone = services.customers.create(CustomerInput(last_name="Gelöscht", number="K-000010"))
    with services.db.write() as session:
        customer = session.get(Customer, gone.id)
        assert customer is not None
        customer.anonymized_at = services.clock.now()
        session.commit()
    result = imported(services, write_csv(tmp_path / "k.csv", ROWS[:1]))
    assert (result.added, result.preview.duplicates) == (1, ())
    anna = services.customers.search("Müller")[0]
    assert anna.number == "K-000011"


@pytest.mark.parametrize(("choice", "customers_after", "counts"), [
    ("skip", 1, (1, 0, 1)), ("merge", 1, (1, 1, 0)), ("add", 2, (2, 0, 0))])
def test_each_choice_for_a_duplicate_within_the_file(
    services: Services, tmp_path: Path, choice: str, customers_after: int,
    counts: tuple[int, int, int]
) -> None:
    rows = [["", "", "Anna", "Müller", "", "", "01067", "", "anna@example.de", "", "", ""],
            ["", "", "Anna", "Mueller", "", "Weg 1", "01067", "Dresden", "", "", "", ""]]
    result = imported(services, write_csv(tmp_path / "k.csv", rows), on_duplicate=choice)
    assert (result.added, result.merged, result.skipped) == counts
    assert count(services) == customers_after
    first = services.customers.get(services.customers.search("anna@example.de")[0].id)
    assert first.city == ("Dresden" if choice == "merge" else "")
