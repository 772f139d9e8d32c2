"""The `mail` commands end to end, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

import main
from app.models import LetterQueueEntry
from app.services.company import CompanyProfile
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email import outbox
from tests.services.email.mail_server import smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using
from tests.services.email.outbox_helpers import addresses, queue


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def customer(services: Services) -> str:
    return services.customers.create(CustomerInput(
        salutation="Frau", first_name="Lena", last_name="Groß", email="lena@example.org")).number


def run(db_args: list[str], *args: str) -> int:
    return main.main([*db_args, "mail", *args])


def set_local_account(db_args: list[str], port: int) -> None:
    assert run(db_args, "account", "set", "--host", "127.0.0.1", "--port", str(port),
               "--security", "none", "--from", "werkstatt@example.org",
               "--name", "Müller Sanitär") == 0


def test_an_unencrypted_account_to_another_host_is_refused_naming_the_field(
    db_args: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(db_args, "account", "set", "--host", "mail.gmx.net", "--port", "25",
               "--security", "none", "--from", "werkstatt@example.org")
    assert code == 2
    assert "Verschlüsselung: ohne Verschlüsselung nur an diesen Rechner" in capsys.readouterr().err


def test_a_preset_fills_server_port_and_security_and_the_password_goes_to_the_store(
    db_args: list[str], memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Gehe1m\n"))
    assert run(db_args, "account", "set", "--preset", "gmx", "--user", "werkstatt@gmx.de",
               "--from", "werkstatt@gmx.de", "--password-stdin") == 0
    assert "Passwort im Passwortspeicher" in capsys.readouterr().out
    assert memory_keyring.store == {("Stammkunde SMTP", "werkstatt@gmx.de@mail.gmx.net"):
                                    "Gehe1m"}
    assert run(db_args, "account", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["host"], shown["port"], shown["security"]) == ("mail.gmx.net", 587,
                                                                 "starttls")
    assert "Gehe1m" not in json.dumps(shown)


def test_send_puts_a_template_mail_in_the_outbox_and_flush_delivers_it(
    db_args: list[str], customer: str, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with smtp_server() as server:
        set_local_account(db_args, server.port)
        assert run(db_args, "account", "test") == 0
        assert "Testmail an werkstatt@example.org gesendet" in capsys.readouterr().out
        assert run(db_args, "send", "--customer", customer, "--template", "Willkommen",
                   "--json") == 0
        queued = json.loads(capsys.readouterr().out)
        assert (queued["to"], queued["state"]) == ("lena@example.org", "waiting")
        assert run(db_args, "flush", "--json") == 0
        assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert run(db_args, "outbox", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["to"], r["state_label"], r["template"]) for r in rows] == [
        ("lena@example.org", "gesendet", "Willkommen")]
    mail = server.handler.to("lena@example.org")[0].parsed()
    assert mail["To"].addresses[0].display_name == "Lena Groß"


def test_send_with_draft_writes_an_unsent_eml_with_the_attachment(
    db_args: list[str], services: Services, customer: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pdf = tmp_path / "Rechnung.pdf"
    pdf.write_bytes(b"%PDF-1.4 rechnung")
    out = tmp_path / "entwurf.eml"
    args = ("send", "--customer", customer, "--subject", "Ihre Rechnung", "--text",
            "Anbei die Rechnung.", "--attach", str(pdf), "--draft", str(out))
    assert run(db_args, *args) == 2
    assert "Absenderadresse fehlt" in capsys.readouterr().err
    services.company.save(CompanyProfile(name="Müller Sanitär GmbH",
                                         email="werkstatt@example.org"))
    assert run(db_args, *args) == 0
    assert f"Entwurf für {customer} geschrieben" in capsys.readouterr().out
    draft = message_from_bytes(out.read_bytes(), policy=default)
    assert draft["X-Unsent"] == "1" and draft["Subject"] == "Ihre Rechnung"
    [attachment] = list(draft.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content() == b"%PDF-1.4 rechnung"


def test_flush_without_an_account_says_what_to_do(
    db_args: list[str], capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(db_args, "flush") == 2
    assert "Kein E-Mail-Konto eingerichtet" in capsys.readouterr().err


def test_a_missing_attachment_names_the_option(
    db_args: list[str], customer: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(db_args, "send", "--customer", customer, "--subject", "x", "--attach",
               "/nicht/da.pdf") == 2
    assert "--attach /nicht/da.pdf" in capsys.readouterr().err



def test_campaign_plans_and_queues_to_a_tag_with_a_control_group(
    db_args: list[str], services: Services, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for i in range(4):
        services.customers.create(CustomerInput(last_name=f"Kunde{i}", tags=("Stamm",),
                                                email=f"k{i}@example.org" if i else ""))
    set_local_account(db_args, 2525)
    capsys.readouterr()
    assert run(db_args, "campaign", "--template", "Willkommen", "--tag", "Stamm",
               "--control-share", "0.34", "--seed", "3", "--dry-run", "--json") == 0
    plan = json.loads(capsys.readouterr().out)
    assert (len(plan["recipients"]), len(plan["control"])) == (2, 1)
    assert [e["reason"] for e in plan["excluded"]] == ["keine E-Mail-Adresse"]
    assert run(db_args, "campaign", "--template", "Willkommen", "--tag", "Stamm",
               "--control-share", "0.34", "--seed", "3") == 0
    out = capsys.readouterr().out
    assert "2 Mails im Postausgang, 1 in der Kontrollgruppe, 1 ausgeschlossen" in out
    assert run(db_args, "outbox", "--state", "waiting", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_letter_list_mails_what_it_may_and_leaves_the_rest_for_the_letter(
    db_args: list[str], services: Services, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_mail = services.customers.create(CustomerInput(last_name="A", email="a@example.org"))
    without = services.customers.create(CustomerInput(last_name="B"))
    with services.db.write() as session:
        for customer in (with_mail, without):
            session.add(LetterQueueEntry(customer_id=customer.id, template_key="willkommen",
                                         note="Erstkauf", created_by="System",
                                         created_at=services.clock.now()))
        session.commit()
    set_local_account(db_args, 2525)
    capsys.readouterr()
    assert run(db_args, "letter-list", "willkommen", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"mailing": 1, "queued": 1,
                                                   "left_for_letters": 1}
    assert [(x.key, x.count) for x in services.mailings.letter_lists()] == [("willkommen", 1)]


def test_resolve_sends_an_unclear_mail_again_only_when_asked(
    db_args: list[str], services: Services, capsys: pytest.CaptureFixture[str],
) -> None:
    [message] = queue(services.db, services.clock, addresses(1))
    outbox.claim(services.db, message)
    outbox.recover_interrupted(services.db, at=services.clock.now())
    assert run(db_args, "resolve", str(message), "--sent", "--json") == 0
    assert json.loads(capsys.readouterr().out)["state_label"] == "gesendet"
    assert run(db_args, "resolve", str(message), "--resend") == 2
    assert "erneut senden lassen sich nur" in capsys.readouterr().err
