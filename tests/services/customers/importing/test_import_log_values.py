"""The import log keeps field names and the kind of problem, never values (issue #16,
point 7), and a refused row is named with all of its errors (issue #15)."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from app.db import _alembic_config, make_engine, migrate, open_database
from app.models import CustomerImportLog
from app.services.clock import FixedClock
from app.services.container import Services

HEADER = "Vorname;Nachname;PLZ;E-Mail;Telefon;Geburtstag"
SECRETS = ("anna@@example", "0123456789", "31.02.1980", "irgendwann", "12x45")


def imported(services: Services, tmp_path: Path, lines: list[str]):  # noqa: ANN201
    path = tmp_path / "kunden.csv"
    path.write_text("\r\n".join([HEADER, *lines]), encoding="utf-8")
    source = services.customer_import.read(path)
    mapping = services.customer_import.suggested_mapping(source)
    return services.customer_import.apply(source, mapping, skip_invalid=True)


def test_a_refused_row_is_named_with_every_error_in_preview_result_and_log(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, tmp_path, [
        "Anna;Alt;01067;anna@@example;0123456789;31.02.1980",
        "Bernd;Bau;12x45;;;irgendwann",
        "Clara;Gut;01067;clara@example.de;;",
    ])
    (anna, bernd) = result.preview.rejected
    assert anna.reason == ("E-Mail: „anna@@example“ ist keine gültige E-Mail-Adresse; "
                           "Telefon: „0123456789“ ist keine gültige Telefonnummer; "
                           "Geburtstag: „31.02.1980“ ist kein Datum (TT.MM.JJJJ)")
    assert bernd.reason.startswith("PLZ: „12x45“ ist keine gültige PLZ")
    assert "Geburtstag: „irgendwann“ ist kein Datum" in bernd.reason
    assert "  Zeile 2: abgelehnt – " + anna.reason in result.summary_lines()
    entry = services.customer_import.log(result.log_id)
    assert [(r.line, r.reason) for r in entry.rejected] == [
        (2, "E-Mail: ungültig; Telefon: ungültig; Geburtstag: kein Datum"),
        (3, "PLZ: ungültig; Geburtstag: kein Datum")]


def test_the_import_log_keeps_no_value_of_a_refused_or_shortened_row(
    services: Services, tmp_path: Path
) -> None:
    result = imported(services, tmp_path, [
        "Anna;Alt;01067;anna@@example;0123456789;31.02.1980",
        "Bernd;Bau;12x45;;;irgendwann",
        "Dora;Doe;01067;dora@example.de;0123456789;",  # imported, the phone left out
    ])
    assert result.added == 1
    with services.db.read() as session:
        stored = session.scalar(select(CustomerImportLog.rejected))
    assert not any(secret in stored for secret in SECRETS)
    assert json.loads(stored) == [
        {"line": 2, "refused": [{"field": "E-Mail", "kind": "ungültig"},
                                {"field": "Telefon", "kind": "ungültig"},
                                {"field": "Geburtstag", "kind": "kein Datum"}]},
        {"line": 3, "refused": [{"field": "PLZ", "kind": "ungültig"},
                                {"field": "Geburtstag", "kind": "kein Datum"}]},
        {"line": 4, "fields": ["Telefon"]}]


def test_a_broken_vcard_is_logged_without_the_name_on_it(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "karten.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Geheim;Gerda\r\nFN:Gerda Geheim\r\n"
                    "EMAIL:gerda@example.de\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gut;Gustav\r\nFN:Gustav Gut\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    source = services.customer_import.read(path)
    result = services.customer_import.apply(
        source, services.customer_import.suggested_mapping(source), skip_invalid=True)
    assert "Gerda" in result.preview.rejected[0].reason  # the preview names the card
    (rejected,) = services.customer_import.log(result.log_id).rejected
    assert rejected.reason == "vCard nicht lesbar"


def test_the_migration_scrubs_the_values_from_existing_import_logs(
    tmp_path: Path, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path / 'alt.sqlite3'}"
    old = json.dumps([
        {"line": 2, "reason": "E-Mail: „anna@@example“ ist keine gültige E-Mail-Adresse; "
                              "Geburtstag: „31.02.1980“ ist kein Datum (TT.MM.JJJJ)"},
        {"line": 3, "reason": "Telefon: „0123456789; 0171“ ist keine Telefonnummer"},
        {"line": 4, "reason": "vCard nicht lesbar (Gerda Geheim): END fehlt"},
        {"line": 5, "reason": "Hans Wurst 0171 1234567"},
        {"line": 6, "fields": ["Telefon"]},
    ], ensure_ascii=False)
    engine = make_engine(url, foreign_keys=False)
    with engine.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        conn.execute(text(
            "INSERT INTO customer_import_logs (file_name, file_format, imported_at, "
            "imported_by, rows_total, added, merged, skipped, rejected_count, rejected, "
            "mapping) VALUES ('alt.csv', 'csv', '2026-01-05 10:00:00', '', 6, 1, 0, 0, 4, "
            ":rejected, '{}')"), {"rejected": old})
    engine.dispose()
    migrate(url)
    database = open_database(url)
    try:
        services = Services.build(database, clock)
        (entry,) = services.customer_import.logs()
        full = services.customer_import.log(entry.id)
        with database.read() as session:
            stored = session.scalar(select(CustomerImportLog.rejected))
    finally:
        database.dispose()
    assert not any(secret in stored for secret in (*SECRETS, "Gerda", "Hans", "0171"))
    assert [(r.line, r.reason) for r in full.rejected] == [
        (2, "E-Mail: ungültig; Geburtstag: ungültig"), (3, "Telefon: ungültig"),
        (4, "vCard nicht lesbar"), (5, "nicht lesbar")]
    assert full.fields_left_out == ((6, ("Telefon",)),)
