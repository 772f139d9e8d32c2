"""The audit log in words: every action and detail the services write reads as German."""

from __future__ import annotations

import re

import pytest

from app.services import audit
from app.services.container import Services
from app.services.customers.dto import AddressInput, ContactInput, CustomerInput

# (action, details) as the services write them, one of each kind
WRITTEN: list[tuple[str, dict[str, object], str]] = [
    ("update", {"fields": ["city", "postcode", "birth_day", "birth_month"]},
     "Geändert: Ort, PLZ, Geburtstag"),
    ("address_update", {"fields": ["street"]}, "Adresse geändert: Straße"),
    ("contact_update", {"fields": ["phone", "is_primary"]},
     "Ansprechperson geändert: Telefon, Hauptansprechperson"),
    ("create", {"import": "kunden.csv", "number": "K-000001"},
     "Angelegt: Import aus „kunden.csv“"),
    ("consent", {"purpose": "letter", "granted": True, "method": "form", "version": "2024-01"},
     "Einwilligung Briefwerbung erteilt: Form: Formular; Fassung „2024-01“"),
    ("consent", {"purpose": "phone", "granted": False, "method": "oral", "version": ""},
     "Einwilligung Telefonwerbung widerrufen: Form: mündlich"),
    ("erase", {"number": "K-000303", "deleted": {"interactions": 4, "consents": 0},
               "kept": {"sales": 3}, "as_of": "2026-03-15",
               "kept_until": {"sales": "2035-12-31"}},
     "Gelöscht (Art. 17): K-000303: gelöscht: Kontakthistorie 4; aufbewahrt: "
     "Umsätze und Belege 3; Stichtag 15.03.2026"),
    ("voucher_redeem", {"code": "ABCD-EFGH-7K2Q", "amount_cents": 1500, "entry_id": 9},
     "Gutschein eingelöst: Code ABCD-EFGH-7K2Q; 15,00 €"),
    ("voucher_issue", {"count": 12, "campaign": "Frühjahr", "kind": "value",
                       "value_cents": 1000},
     "Gutschein ausgegeben: 12 Gutscheine; Aktion „Frühjahr“; Wertgutschein; Wert 10,00 €"),
    ("points_redeem", {"points": -500, "entry_id": 3, "reward_id": 1, "voucher_id": 7},
     "Bonuspunkte eingelöst: -500 Punkte"),
    ("settings", {"key": "privacy_retention", "value": {"sales": 10, "letters": 6}},
     "Einstellung geändert: Aufbewahrungsfristen"),
    ("customer_export", {"file": "werbung.csv", "format": "csv", "count": 40,
                         "campaign": "letter", "held_back": 2},
     "Kunden exportiert: Datei „werbung.csv“; CSV; 40 Kunden; für Werbung per Brief; "
     "2 zurückgehalten"),
    ("email_account", {"fields": ["host", "port"], "password_changed": True},
     "E-Mail-Konto eingerichtet: SMTP-Server, Port; Kennwort geändert"),
    ("merge", {"merged_customer_id": 4, "merged_number": "K-000004"},
     "Zusammengeführt: mit K-000004 zusammengeführt"),
    ("restore", {"file": "stammkunde-20260301.sqlite3", "safety_copy": "vor.sqlite3",
                 "reapplied": 1},
     "Sicherung zurückgespielt: Datei „stammkunde-20260301.sqlite3“; vorheriger Stand in "
     "„vor.sqlite3“; 1 Löschungen erneut angewendet"),
]


@pytest.mark.parametrize(("action", "details", "words"), WRITTEN)
def test_each_entry_reads_as_a_sentence_without_developer_keys(
    services: Services, action: str, details: dict[str, object], words: str,
) -> None:
    assert audit.describe(action, details) == words


def test_no_written_entry_leaks_a_code_key_or_json(services: Services) -> None:
    for action, details, _words in WRITTEN:
        text = audit.describe(action, details)
        assert not re.search(r"[a-z]+_[a-z]+|[{}\[\]]", text), text
        assert action not in text.split()


def test_a_printout_for_the_customer_shows_voucher_codes_shortened(services: Services) -> None:
    assert audit.describe("voucher_redeem", {"code": "ABCD-EFGH-7K2Q", "amount_cents": 100},
                          short_codes=True) == "Gutschein eingelöst: Code …7K2Q; 1,00 €"


def test_contact_and_address_changes_name_who_made_them(services: Services) -> None:
    customers = services.customers
    anna = customers.create(CustomerInput(last_name="Müller"), by="Büro")
    contact = customers.add_contact(anna.id, ContactInput(last_name="Kunz"), by="Geselle Tim")
    customers.update_contact(contact.id, ContactInput(last_name="Kunz", phone="0351 123456"),
                             by="Geselle Tim")
    address = customers.add_address(anna.id, AddressInput(label="Baustelle"), by="Meisterin")
    customers.update_address(address.id, AddressInput(label="Baustelle", street="Am Hang 3"),
                             by="Meisterin")
    rows = services.audit.entries()
    assert [(r.actor, r.description) for r in rows[:4]] == [
        ("Meisterin", "Adresse geändert: Straße"),
        ("Meisterin", "Adresse angelegt"),
        ("Geselle Tim", "Ansprechperson geändert: Telefon"),
        ("Geselle Tim", "Ansprechperson angelegt")]


def test_every_action_a_service_writes_has_a_german_label() -> None:
    import pathlib

    written = set()
    for path in pathlib.Path("app/services").rglob("*.py"):
        written |= set(re.findall(r'action="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert written <= set(audit.ACTIONS), written - set(audit.ACTIONS)
