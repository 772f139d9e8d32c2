"""`today`, `privacy consent` and `privacy policy`, run as a user would: `main.py` in a process."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from app.db import Database
from app.models import Customer
from app.services.clock import LOCAL_ZONE, SystemClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.formatting import format_date

ROOT = Path(__file__).resolve().parents[2]


def cli(db_args: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *db_args, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def customers(services: Services, db: Database) -> dict[str, str]:
    """An A customer without a call for a long time, once as a consumer, once as a firm."""
    numbers = {}
    for key, data in {
        "consumer": CustomerInput(first_name="Anna", last_name="Adler", phone="0351 111111",
                                  street="Am Markt 1", postcode="01067", city="Dresden"),
        "business": CustomerInput(kind="business", company="Bau Berger GmbH",
                                  phone="0351 222222", street="Hafenstraße 2",
                                  postcode="01067", city="Dresden"),
    }.items():
        created = services.customers.create(data)
        with db.write() as session:
            session.execute(update(Customer).where(Customer.id == created.id).values(
                abc_class="A", created_at=datetime(2020, 1, 1, tzinfo=LOCAL_ZONE)))
            session.commit()
        numbers[key] = created.number
    db.dispose()
    return numbers


def test_today_lists_the_call_list_and_who_was_held_back_with_the_reason(
    db_args: list[str], customers: dict[str, str],
) -> None:
    result = cli(db_args, "today", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(c["number"], c["purpose"]) for c in data["call_list"]] == [
        (customers["business"], "advertising")]
    assert data["call_list"][0]["name"] == "Bau Berger GmbH"
    assert data["call_list"][0]["reasons"][0].startswith("A-Kunde, noch kein Kontakt")
    assert data["held_back"] == [{
        "number": customers["consumer"], "code": "no_consent",
        "reason": "keine ausdrückliche Einwilligung in Telefonwerbung (§ 7 Abs. 2 Nr. 1 UWG)"}]
    assert data["followups"] == []
    assert data["call_list"][0]["rank"] == 1
    text = cli(db_args, "today").stdout
    assert f"    1. {customers['business']} Bau Berger GmbH (Werbung, " in text
    assert f"{customers['consumer']} Anna Adler: keine ausdrückliche Einwilligung" in text


def test_a_phone_consent_given_on_the_command_line_puts_the_consumer_on_the_call_list(
    db_args: list[str], customers: dict[str, str],
) -> None:
    consumer = customers["consumer"]
    result = cli(db_args, "privacy", "consent", consumer, "--channel", "phone", "--grant",
                 "--source", "Formular Messe 2026", "--json")
    assert result.returncode == 0, result.stderr
    today = SystemClock().today()
    assert json.loads(result.stdout) == {
        "number": consumer, "channel": "phone", "granted": True,
        "given_on": today.isoformat(), "method": "form", "source": "Formular Messe 2026",
        "allowed": True, "reason": f"Einwilligung in Telefonwerbung vom {format_date(today)}",
        "code": "ok"}
    listed = json.loads(cli(db_args, "today", "--json").stdout)
    assert consumer in [c["number"] for c in listed["call_list"]]
    assert listed["held_back"] == []


def test_a_withdrawn_letter_consent_ends_letter_advertising_but_not_service_letters(
    db_args: list[str], customers: dict[str, str],
) -> None:
    consumer = customers["consumer"]
    withdrawn = cli(db_args, "privacy", "consent", consumer, "--channel", "letter",
                    "--withdraw", "--method", "oral")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert "Werbung per Brief: nicht erlaubt – Einwilligung in Briefwerbung widerrufen" in \
        withdrawn.stdout
    advertising = json.loads(cli(db_args, "privacy", "policy", consumer, "--channel", "letter",
                                 "--json").stdout)
    assert (advertising["allowed"], advertising["code"]) == (False, "consent_withdrawn")
    service = json.loads(cli(db_args, "privacy", "policy", consumer, "--channel", "letter",
                             "--purpose", "service", "--json").stdout)
    assert service["allowed"] is True


def test_the_policy_of_every_channel_is_answered_in_words(
    db_args: list[str], customers: dict[str, str],
) -> None:
    result = cli(db_args, "privacy", "policy", customers["business"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{customers['business']}, Werbung:",
        "  Brief    ja    Briefwerbung ohne Widerspruch erlaubt (Art. 6 Abs. 1 lit. f DSGVO, "
        "§ 7 Abs. 1 UWG)",
        "  Telefon  ja    Geschäftskunde: mutmaßliche Einwilligung in Anrufe "
        "(§ 7 Abs. 2 Nr. 1 UWG)",
        "  E-Mail   nein  keine ausdrückliche Einwilligung in E-Mail-Werbung "
        "(§ 7 Abs. 2 Nr. 2 UWG)",
        "  SMS      nein  keine ausdrückliche Einwilligung in SMS-Werbung (§ 7 Abs. 2 Nr. 2 UWG)",
    ]


def test_bad_input_exits_with_2_and_names_what_is_wrong(
    db_args: list[str], customers: dict[str, str],
) -> None:
    unknown = cli(db_args, "privacy", "policy", "K-999999")
    assert unknown.returncode == 2 and "K-999999" in unknown.stderr
    channel = cli(db_args, "privacy", "consent", customers["consumer"], "--channel", "fax",
                  "--grant")
    assert channel.returncode == 2 and "--channel" in channel.stderr
    day = cli(db_args, "today", "--as-of", "31.02.2026")
    assert day.returncode == 2 and "--as-of" in day.stderr


def test_a_returned_letter_marked_on_the_command_line_stops_letters(
    db_args: list[str], customers: dict[str, str],
) -> None:
    consumer = customers["consumer"]
    marked = cli(db_args, "privacy", "mark", consumer, "letter_returned")
    assert marked.returncode == 0, marked.stderr
    assert marked.stdout == f"{consumer}: Brief kam zurück: Anschrift unzustellbar.\n"
    answer = json.loads(cli(db_args, "privacy", "policy", consumer, "--channel", "letter",
                            "--purpose", "service", "--json").stdout)
    assert (answer["allowed"], answer["code"]) == (False, "address_invalid")
