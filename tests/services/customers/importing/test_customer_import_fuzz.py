"""Whatever a file contains, the import never crashes and never half-writes: every row is
imported, a duplicate or rejected with its line, or the whole file is refused clearly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.services.container import Services
from app.services.customers.dto import CustomerFilter
from app.services.errors import ValidationError

HEADER = ["Vorname", "Nachname", "PLZ", "E-Mail", "Telefon", "Geburtstag", "Notiz", "Tags"]
NASTY = ["", "Müller", "😀👨‍👩‍👧", "\u200fשלום\u200e", "\x00", "=1+1", "'+49", "\ufeff", "\r\n",
         "01067", "0351 1234567", "a@b.de", "31.02.2020", "-", "\"", ";", "\t", "\u202eevil",
         "Straße\u0301", "K-000001"]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=40),
                 st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
rows = st.lists(st.lists(cell, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=12)


def customers(services: Services) -> int:
    return services.customers.count(CustomerFilter(status="all"))


def import_everything(services: Services, path: Path) -> None:
    """Read, preview and apply; check that nothing is lost, crashed or half-written."""
    before = customers(services)
    logs_before = len(services.customer_import.logs())
    try:
        source = services.customer_import.read(path)
    except ValidationError as error:
        assert error.fields["file"]
        return
    mapping = services.customer_import.suggested_mapping(source)
    preview = services.customer_import.preview(source, mapping)
    assert len(preview.new) + len(preview.duplicates) + len(preview.rejected) == preview.total
    assert all(r.reason and r.line >= 1 for r in preview.rejected)
    result = services.customer_import.apply(source, mapping, skip_invalid=True,
                                            on_duplicate="add")
    assert result.added == len(result.preview.new) + len(result.preview.duplicates)
    assert customers(services) == before + result.added
    assert len(services.customer_import.logs()) == logs_before + 1
    strict = services.customer_import.apply(source, mapping, on_duplicate="add")
    if strict.preview.rejected:
        assert not strict.applied
        assert customers(services) == before + result.added


@pytest.mark.slow
@SETTINGS
@given(data=rows, delimiter=st.sampled_from([";", ",", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_fuzzed_csv_files_never_crash_or_half_write(
    services: Services, tmp_path_factory: pytest.TempPathFactory, data: list[list[str]],
    delimiter: str, encoding: str
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADER, *data])
    path = tmp_path_factory.mktemp("fuzz") / "k.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="surrogatepass"))
    import_everything(services, path)


@pytest.mark.slow
@SETTINGS
@given(data=rows)
def test_fuzzed_excel_files_never_crash_or_half_write(
    services: Services, tmp_path_factory: pytest.TempPathFactory, data: list[list[str]]
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *data]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    path = tmp_path_factory.mktemp("fuzz") / "k.xlsx"
    workbook.save(path)
    import_everything(services, path)


@pytest.mark.slow
@SETTINGS
@given(lines=st.lists(st.one_of(cell, st.sampled_from([
    "N:Müller;Anna", "FN:Anna", "TEL;TYPE=CELL:0170 1234567", "BDAY:--0230", "EMAIL:x@@y",
    "ADR:;;Weg 1;Ort;;1234;", "VERSION:4.0", "END:VCARD", "BEGIN:VCARD", "CATEGORIES:a,b"])),
    max_size=20))
def test_fuzzed_vcard_files_never_crash_or_half_write(
    services: Services, tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "\r\n".join(lines) + "\r\nEND:VCARD\r\n"
    path = tmp_path_factory.mktemp("fuzz") / "k.vcf"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    import_everything(services, path)


@pytest.mark.slow
@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".vcf"]))
def test_random_bytes_are_refused_as_a_file_or_read_row_by_row(
    services: Services, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"k{suffix}"
    path.write_bytes(data)
    import_everything(services, path)


def test_a_one_megabyte_field_is_rejected_as_too_long_or_kept_whole_in_the_notes(
    services: Services, tmp_path: Path
) -> None:
    huge = "ä" * 1_000_000
    path = tmp_path / "gross.csv"
    path.write_text(f"Nachname;Notiz\n{huge};kurz\nKlein;{huge}\n", encoding="utf-8")
    source = services.customer_import.read(path)
    result = services.customer_import.apply(
        source, services.customer_import.suggested_mapping(source), skip_invalid=True)
    assert [(r.line, r.reason) for r in result.preview.rejected] == [
        (2, "Nachname: zu lang (1000000 Zeichen, höchstens 128)")]
    klein = services.customers.search("Klein")[0]
    assert services.customers.get(klein.id).notes == huge


def test_a_nul_byte_in_a_csv_refuses_the_file_naming_the_line(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes("Nachname\nMüller\nNu\x00ll\n".encode())
    with pytest.raises(ValidationError, match="Zeile 3: enthält Nullzeichen"):
        services.customer_import.read(path)
    assert customers(services) == 0
