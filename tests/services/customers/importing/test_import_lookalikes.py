"""Rows that all look alike (issue #16, point 6): the matches kept per row are capped and
the repeats are named in one line, so memory and time stay linear in the number of rows."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from app.services.container import Services
from app.services.customers.importing.service import GROUP_FROM, MAX_MATCHES

HEADER = "Vorname;Nachname;PLZ;Ort;E-Mail"


def write_rows(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join([HEADER, *lines]), encoding="utf-8")
    return path


def test_four_thousand_rows_with_one_email_are_checked_in_little_memory_and_named_once(
    services: Services, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "eine-adresse.csv", [
        f"Vorname{n};Nachname{n};{10000 + n};Ort;buero@example.de" for n in range(4000)])
    importer = services.customer_import
    source = importer.read(path)
    mapping = importer.suggested_mapping(source)
    tracemalloc.start()
    try:
        preview = importer.preview(source, mapping)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024  # 3.9 GB before the cap
    assert (len(preview.new), len(preview.duplicates)) == (1, 3999)
    assert all(len(row.duplicates) <= MAX_MATCHES for row in preview.duplicates)
    assert preview.duplicates[-1].duplicates[0].line == 2  # the first row comes first
    (group,) = preview.groups
    assert group.message() == ("3.999 Zeilen mit derselben E-Mail (buero@example.de) "
                               "wie Zeile 2 (Nachname0, Vorname0)")
    summary = preview.summary_lines()
    assert "  " + group.message() in summary
    assert not any(line.startswith("  Zeile 3:") for line in summary)  # not row by row
    assert preview.as_json()["groups"][0]["lines"][:2] == [3, 4]


@pytest.mark.slow
def test_twenty_thousand_cards_of_one_surname_at_one_postcode_are_checked_in_little_memory(
    services: Services, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "mueller.csv", [
        "Hans;Müller;10115;Berlin;"] * 20000)
    importer = services.customer_import
    source = importer.read(path)
    tracemalloc.start()
    try:
        preview = importer.preview(source, importer.suggested_mapping(source))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300 * 1024 * 1024  # past 14 GB before the cap
    assert len(preview.duplicates) == 19999
    (group,) = preview.groups
    assert group.message() == ("19.999 Zeilen mit ähnlichem Namen an gleicher PLZ "
                               "(Müller, Hans, 10115) wie Zeile 2 (Müller, Hans)")


def test_a_few_repeats_are_still_listed_row_by_row(
    services: Services, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "wenige.csv", [
        f"Vorname{n};Nachname{n};{10000 + n};Ort;buero@example.de"
        for n in range(GROUP_FROM - 1)])
    importer = services.customer_import
    source = importer.read(path)
    preview = importer.preview(source, importer.suggested_mapping(source))
    assert preview.groups == ()
    summary = preview.summary_lines()
    assert ("  Zeile 3: Nachname1, Vorname1 – gleiche E-Mail (buero@example.de) → "
            "Zeile 2 (Nachname0, Vorname0)") in summary
