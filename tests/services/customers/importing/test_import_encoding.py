"""Strict per-file encodings, and mixed or already garbled files stopped with their lines."""

from __future__ import annotations

import pytest

from app.services.customers.importing.encoding import decode
from app.services.errors import ValidationError

TEXT = "Nachname;Ort\r\nMüller;Görlitz\r\nWeiß;Köln\r\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (b"\xef\xbb\xbf" + TEXT.encode(), "utf-8-sig"),
    (TEXT.encode(), "utf-8"),
    (TEXT.encode("cp1252"), "cp1252"),
])
def test_a_file_in_one_encoding_is_read_with_its_umlauts(data: bytes, encoding: str) -> None:
    decoded = decode(data, name="k.csv")
    assert (decoded.text, decoded.encoding) == (TEXT, encoding)


def test_a_utf8_file_with_one_windows_1252_line_is_stopped_naming_both_kinds_of_lines(
) -> None:
    data = ("Nachname;Ort\r\nMüller;Görlitz\r\n".encode() + "Weiß;Köln\r\n".encode("cp1252")
            + "Schön;Jena\r\n".encode())
    with pytest.raises(ValidationError) as raised:
        decode(data, name="k.csv")
    assert raised.value.message == (
        "Datei: „k.csv“ mischt Zeichenkodierungen: Zeilen 2, 4 UTF-8, Zeile 3 Windows-1252. So "
        "würden Umlaute verstümmelt; bitte die Datei einheitlich speichern (z. B. in "
        "LibreOffice als CSV mit UTF-8).")


def test_a_file_with_a_bom_and_a_windows_1252_line_is_stopped_too() -> None:
    data = b"\xef\xbb\xbf" + "Müller\r\n".encode() + "Weiß\r\n".encode("cp1252")
    with pytest.raises(ValidationError, match=r"Zeile 1 UTF-8, Zeile 2 Windows-1252"):
        decode(data, name="k.csv")


@pytest.mark.parametrize("garbled", ["JÃ¼rgen MÃ¼ller", "StraÃŸe", "Preis 5 â‚¬", "Ã–zil"])
def test_text_that_already_is_mojibake_is_stopped_naming_the_line(garbled: str) -> None:
    data = f"Nachname\r\nMüller\r\n{garbled}\r\n".encode()
    with pytest.raises(ValidationError, match=r"„k.csv“, Zeile 3: Umlaute sind verstümmelt"):
        decode(data, name="k.csv")


def test_ordinary_accents_and_symbols_are_not_taken_for_mojibake() -> None:
    text = "Name\r\nSão Paulo\r\nÃrpád\r\nCafé 5 €\r\nÂge d'or\r\n"
    assert decode(text.encode(), name="k.csv").text == text


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused() -> None:
    with pytest.raises(ValidationError, match="Zeichenkodierung nicht erkannt"):
        decode(b"Name\r\nA\x81B\r\n", name="k.csv")
