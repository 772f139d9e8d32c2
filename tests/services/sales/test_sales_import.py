from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.progress import Cancelled
from app.services.sales import importing as sales_import
from app.services.sales.importing import fast_cents

HEADER = "Kundennummer;Datum;Betrag;Belegnummer;Text"


@pytest.fixture
def known(services: Services) -> Services:
    for number, name in (("K-000001", "Müller"), ("K-000002", "Schäfer")):
        services.customers.create(CustomerInput(last_name=name, number=number))
    return services


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "umsatz.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (HEADER + "\nK-000001;15.01.2026;1.234,56;RE-1;Heizung Müller\n", "utf-8"),
        ("\ufeff" + HEADER + "\nK-000001;15.01.2026;1.234,56;RE-1;Heizung Müller\n", "utf-8"),
        (HEADER + "\r\nK-000001;15.01.2026;1234,56 €;RE-1;Heizung Müller\r\n", "cp1252"),
        ("customer_no,date,amount,document_no,description\n"
         "K-000001,2026-01-15,1234.56,RE-1,Heizung Müller\n", "utf-8"),
        ("Kunden-Nr.\tRechnungsdatum\tBrutto\tRechnungsnummer\tBeschreibung\n"
         "K-000001\t15.01.2026\t1234,56\tRE-1\tHeizung Müller\n", "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252-euro", "english-comma", "tab-aliases"],
)
def test_each_encoding_delimiter_and_number_format_reads_the_same_sale(
    known: Services, tmp_path: Path, text: str, encoding: str
) -> None:
    report = known.sales_import.apply(write(tmp_path, text, encoding))
    assert report.applied and not report.rejected
    cid = known.customers.get_by_number("K-000001").id
    sale = known.sales.for_customer(cid)[0]
    assert (sale.sale_date, sale.amount_cents, sale.document_no, sale.description) == (
        date(2026, 1, 15), 123_456, "RE-1", "Heizung Müller")


def test_an_xlsx_export_with_real_dates_and_numbers_is_read(
    known: Services, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kundennummer", "Rechnungsdatum", "Netto", "Rechnungsnummer"])
    sheet.append(["K-000002", date(2025, 12, 24), 99.9, "RE-9"])
    sheet.append(["K-000002", "24.12.2025", 12, "RE-10"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    report = known.sales_import.apply(path)
    assert [(r.sale_date, r.amount_cents) for r in report.to_add] == [
        (date(2025, 12, 24), 9_990), (date(2025, 12, 24), 1_200)]


def test_every_kind_of_bad_row_is_rejected_with_its_line_and_a_german_reason(
    known: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "\n".join([
        HEADER,
        "K-000001;15.01.2026;10,00;RE-1;gut",
        "K-999999;15.01.2026;10,00;RE-2;",
        "K-000001;31.02.2026;10,00;RE-3;",
        "K-000001;15.01.2026;zehn;RE-4;",
        "K-000001;15.01.2026;10,00;;",
        ";15.01.2026;10,00;RE-6",
        "K-000001;;",
    ]) + "\n")
    report = known.sales_import.preview(path)
    assert [r.line for r in report.to_add] == [2]
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[3] == "Kundennummer K-999999 unbekannt"
    assert reasons[4] == "Datum ungültig: „31.02.2026“ ist kein Datum (TT.MM.JJJJ)"
    assert reasons[5] == "Betrag ungültig: „zehn“ ist kein Geldbetrag"
    assert reasons[6] == "Belegnummer fehlt"
    assert reasons[7] == "Kundennummer fehlt; nur 4 von 5 Spalten"
    assert reasons[8] == "Datum fehlt; Betrag fehlt; Belegnummer fehlt; nur 3 von 5 Spalten"
    assert len(report.to_add) + len(report.skipped) + len(report.rejected) == report.rows


def test_a_file_with_rejected_rows_applies_nothing_unless_invalid_rows_are_skipped(
    known: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "\nK-000001;15.01.2026;10;RE-1;\nK-0;15.01.2026;10;RE-2;\n")
    with pytest.raises(ValidationError) as err:
        known.sales_import.apply(path)
    assert "Zeile 3" in err.value.message
    assert known.sales.count() == 0
    report = known.sales_import.apply(path, skip_invalid=True)
    assert (len(report.to_add), len(report.rejected), known.sales.count()) == (1, 1, 1)


def test_reimporting_the_same_file_adds_nothing_and_duplicates_in_the_file_are_skipped(
    known: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "\nK-000001;15.01.2026;10;RE-1;\n"
                 "K-000002;16.01.2026;20;RE-2;\nK-000002;16.01.2026;20;RE-2;\n")
    first = known.sales_import.apply(path)
    assert (len(first.to_add), [s.line for s in first.skipped]) == (2, [4])
    assert "wie Zeile 3" in first.skipped[0].reason
    again = known.sales_import.apply(path)
    assert (len(again.to_add), len(again.skipped), known.sales.count()) == (0, 3, 2)
    assert "schon erfasst" in again.skipped[0].reason


def test_missing_customers_are_created_under_the_files_number_when_asked(
    known: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "Kundennummer;Datum;Betrag;Belegnummer;Firma;Name;PLZ;Ort\n"
                 "4711;15.01.2026;10;RE-1;Bäckerei Korn GmbH;;01067;Dresden\n"
                 "4711;16.01.2026;20;RE-2;Bäckerei Korn GmbH;;01067;Dresden\n"
                 "4712;16.01.2026;30;RE-3;;Eva Maria Lang;10115;Berlin\n"
                 "4713;16.01.2026;30;RE-4;;Ohne Plz;123;Berlin\n"
                 "4714;16.01.2026;30;RE-5;;;;\n")
    assert "Kundennummer 4711 unbekannt" in known.sales_import.preview(path).rejected[0].reason
    report = known.sales_import.apply(path, create_missing=True, skip_invalid=True, by="Büro")
    assert report.new_customers == ("4711", "4712")
    reasons = [r.reason for r in report.rejected]
    assert reasons[0].startswith("Kunde 4713 nicht anlegbar: PLZ:")
    assert reasons[1] == "Kundennummer 4714 unbekannt und kein Name zum Anlegen"
    bakery = known.customers.get_by_number("4711")
    assert (bakery.kind, bakery.company, bakery.city) == ("business", "Bäckerei Korn GmbH",
                                                          "Dresden")
    lang = known.customers.get_by_number("4712")
    assert (lang.first_name, lang.last_name) == ("Eva Maria", "Lang")
    assert len(known.sales.for_customer(bakery.id)) == 2
    subjects = [e.subject for e in known.timeline.entries(bakery.id)]
    assert "2 Umsätze importiert (30,00 €, umsatz.csv)" in subjects
    assert "Kunde angelegt (Import aus umsatz.csv)" in subjects


def test_a_file_without_a_required_column_is_refused_naming_the_column(
    known: Services, tmp_path: Path
) -> None:
    path = write(tmp_path, "Kundennummer;Datum;Betrag\nK-000001;15.01.2026;10\n")
    with pytest.raises(ValidationError) as err:
        known.sales_import.preview(path)
    assert "Spalte fehlt: Belegnummer (Belegnummer/Rechnungsnummer/document_no)" in (
        err.value.message)


def test_a_cancelled_import_changes_nothing(known: Services, tmp_path: Path) -> None:
    class CancelWhileSaving:
        def report(self, done: int, total: int, text: str = "") -> None:
            if text == "Umsätze speichern":
                raise Cancelled()

        def checkpoint(self) -> None:
            return None

    path = write(tmp_path, HEADER + "\nK-000001;15.01.2026;10;RE-1;\n")
    with pytest.raises(Cancelled):
        known.sales_import.apply(path, progress=CancelWhileSaving())
    assert known.sales.count() == 0


# Only SQLite drops the sales indexes for a large import and builds them again afterwards.
sqlite_index_rebuild = pytest.mark.sqlite_only(
    "the index rebuild of a large import is SQLite's (reads sqlite_master, PRAGMA)")


def _sales_schema(services: Services) -> list[tuple[str, str, str | None]]:
    with services.db.read() as session:
        return [tuple(row) for row in session.connection().exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'sales' ORDER BY name")]


@pytest.fixture
def rebuilding(known: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """An import of three rows counts as large: the indexes are dropped and rebuilt."""
    monkeypatch.setattr(sales_import, "REBUILD_MIN_ROWS", 3)
    return known


@sqlite_index_rebuild
@pytest.mark.parametrize("error", [Cancelled, RuntimeError], ids=["cancelled", "failed"])
def test_a_large_import_stopped_before_its_indexes_are_rebuilt_leaves_the_schema_as_it_was(
    rebuilding: Services, tmp_path: Path, error: type[BaseException]
) -> None:
    class StopWhileRebuilding:
        def report(self, done: int, total: int, text: str = "") -> None:
            if text == "Verzeichnisse neu aufbauen":
                raise error()

        def checkpoint(self) -> None:
            return None

    before = _sales_schema(rebuilding)
    assert any(name == "ix_sales_customer_date_amount" for _type, name, _sql in before)
    path = write(tmp_path, HEADER + "".join(
        f"\nK-000001;15.01.2026;10;RE-{n};" for n in range(3)) + "\n")
    with pytest.raises(error):
        rebuilding.sales_import.apply(path, progress=StopWhileRebuilding())
    assert _sales_schema(rebuilding) == before
    assert rebuilding.sales.count() == 0


@sqlite_index_rebuild
def test_a_large_import_rebuilds_the_sales_indexes_it_dropped(
    rebuilding: Services, tmp_path: Path
) -> None:
    before = _sales_schema(rebuilding)
    path = write(tmp_path, HEADER + "".join(
        f"\nK-00000{1 + n % 2};15.01.2026;10;RE-{n};" for n in range(4)) + "\n")
    rebuilding.sales_import.apply(path)
    assert _sales_schema(rebuilding) == before
    with rebuilding.db.read() as session:
        assert session.connection().exec_driver_sql(
            "PRAGMA integrity_check").scalar() == "ok"
    assert rebuilding.sales.count() == 4


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1.234,56", 123_456), ("1234.56", 123_456), ("1234,56 €", 123_456), ("1.234", 123_400),
     ("-5", -500), ("12,5", 1_250), ("0,07", 7), ("1.234.567", 123_456_700),
     ("1.234.567,8", 123_456_780), ("12.34", 1_234), ("1,234.56", 123_456), ("1.5", 150)],
)
def test_the_fast_amount_path_agrees_with_parse_cents(text: str, cents: int) -> None:
    assert fast_cents(text) == cents


def test_an_import_recomputes_the_classes(known: Services, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\nK-000001;15.01.2026;900;RE-1;\n"
                 "K-000002;15.01.2026;100;RE-2;\n")
    report = known.sales_import.apply(path)
    assert report.classes_changed == 2
    assert [r.abc_class for r in known.customers.rows(known.customers.ids(sort="number"))] == [
        "A", "B"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("\n\nKundennummer;Datum\r\nK-1;01.01.2026\r\n;;\r\n  \r\nK-2;x;y\r\nK-3\r\n", "utf-8"),
        ("\ufeffKundennummer,Betrag\rK-1,1.5\r\rK-2, 3 \r", "utf-8"),
        ("Kundennummer\tText\nK-1\tMüller & Söhne €\n\t\nK-2\t\n", "cp1252"),
        ('Kundennummer;Text\nK-1;"Wartung; Heizung"\nK-2;"zwei\nZeilen"\n', "utf-8"),
    ],
    ids=["crlf-blank-short", "bom-cr", "cp1252-tab", "quoted-fallback"],
)
def test_the_fast_csv_reader_gives_exactly_what_read_table_gives(
    tmp_path: Path, text: str, encoding: str
) -> None:
    from app.services.sales.importing import read_sales_file
    from app.services.tabular import read_table

    path = write(tmp_path, text, encoding)
    fast, careful = read_sales_file(path), read_table(path)
    assert (fast.header, fast.encoding, fast.delimiter) == (
        careful.header, careful.encoding, careful.delimiter)
    assert [(line, tuple(values)) for line, values in fast.rows] == [
        (r.line, r.values) for r in careful.rows]
