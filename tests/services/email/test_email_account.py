"""The mailbox account: checks, presets, the password only in the credential store, the
test mail, drafts for OAuth-only providers, single mails from templates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email import account as accounts
from app.services.email.account import EmailAccount, validated_account
from app.services.email.message import Attachment
from app.services.email.service import MailRequest
from app.services.errors import (
    ConflictError,
    StammkundeError,
    StorageError,
    ValidationError,
)
from app.services.privacy.consents import ConsentInput
from app.services.sales.service import SaleInput
from tests.services.email.mail_server import PASSWORD, USER, smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using
from tests.services.email.outbox_helpers import PROFILE


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


def account(**changes: object) -> EmailAccount:
    base = {"host": "127.0.0.1", "port": 2525, "security": "none",
            "from_address": "werkstatt@mueller-sanitaer.de", "from_name": "Müller Sanitär"}
    return EmailAccount.from_mapping({**base, **changes})


def test_an_unencrypted_account_is_refused_unless_it_talks_to_this_computer() -> None:
    with pytest.raises(ValidationError) as refused:
        validated_account(account(host="mail.gmx.net", port=25))
    assert refused.value.fields == {
        "security": "ohne Verschlüsselung nur an diesen Rechner (localhost)"}
    assert validated_account(account(host="LOCALHOST")).host == "localhost"


def test_every_bad_field_of_an_account_is_named() -> None:
    with pytest.raises(ValidationError) as refused:
        validated_account(account(host=" ", port=0, security="tls", from_address="werkstatt@",
                                  per_minute=0))
    assert set(refused.value.fields) == {"host", "port", "security", "from_address",
                                         "per_minute"}
    assert "Absenderadresse" in str(refused.value)


def test_the_presets_cover_the_usual_german_providers_and_mark_microsoft_oauth_only() -> None:
    labels = {p.label for p in accounts.PRESETS}
    assert {"GMX", "WEB.DE", "T-Online", "IONOS", "Strato", "Gmail"} <= labels
    assert accounts.preset("outlook").oauth_only
    assert accounts.preset("gmx").port == 587 and accounts.preset("gmx").security == "starttls"
    assert accounts.preset("t-online").security == "ssl"
    with pytest.raises(ValidationError):
        accounts.preset("aol")


@pytest.mark.sqlite_only("reads the database files for the password")
def test_the_password_goes_to_the_credential_store_and_nowhere_else(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    secret = "Sehr-geheim-4711"
    services.email.set_account(account(user="meister"), password=secret, by="Chef")
    assert services.email.account() == validated_account(account(user="meister"))
    assert memory_keyring.store == {("Stammkunde SMTP", "meister@127.0.0.1"): secret}
    assert accounts.load_password(account(user="meister")) == secret
    services.db.dispose()
    path = services.db.sqlite_path
    assert path is not None
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert secret.encode() not in stored
    [entry] = [e for e in services.audit.entries() if e.action == "email_account"]
    assert "password_changed" in entry.details and secret not in entry.details


def test_without_a_credential_store_the_password_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with using(NoKeyring()):
        with pytest.raises(StorageError, match="STAMMKUNDE_SMTP_PASSWORD"):
            accounts.store_password(account(), "x")
        monkeypatch.setenv("STAMMKUNDE_SMTP_PASSWORD", "aus-der-umgebung")
        assert accounts.load_password(account()) == "aus-der-umgebung"


def test_the_test_mail_reaches_the_mailbox_over_starttls(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    with smtp_server(tls=True) as server:
        services.email.set_account(account(port=server.port, security="starttls", user=USER),
                                   password=PASSWORD, by="Chef")
        answer = services.email.send_test(ssl_context=server.client_context)
        assert answer.startswith("Testmail an werkstatt@mueller-sanitaer.de gesendet (250")
        services.email.set_account(account(port=server.port, security="starttls", user=USER),
                                   password="falsch", by="Chef")
        with pytest.raises(StammkundeError, match="Anmeldung abgelehnt"):
            services.email.send_test(ssl_context=server.client_context)
    [mail] = server.handler.received
    assert mail.parsed()["Subject"] == "Testmail von Stammkunde"


def test_a_template_mail_to_a_customer_waits_in_the_outbox_and_arrives_rendered(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    services.company.save(PROFILE)
    customer = services.customers.create(CustomerInput(
        salutation="Herr", first_name="Jürgen", last_name="Weiß", email="weiss@example.org"))
    welcome = services.email.templates.by_name("Willkommen")
    with smtp_server() as server:
        services.email.set_account(account(port=server.port), password=None, by="Chef")
        queued = services.email.queue(MailRequest(customer.id, template_id=welcome.id),
                                      by="Chef")
        assert services.email.counts()["waiting"] == 1
        assert services.email.flush().sent == 1
    assert queued.subject == "Herzlich willkommen bei Müller Sanitär GmbH"
    mail = server.handler.received[0].parsed()
    assert mail["To"].addresses[0].display_name == "Jürgen Weiß"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().startswith("Sehr geehrter Herr Weiß,")
    assert customer.number in body.get_content()
    [row] = services.email.messages(customer_id=customer.id)
    assert (row.state_label, row.template_name) == ("gesendet", "Willkommen")


def test_advertising_mail_needs_the_customers_consent(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Kern", email="k@example.org"))
    services.email.set_account(account(), password=None, by="Chef")
    thanks = services.email.templates.by_name("Dankeschön an A-Kunden")
    assert thanks.advertising
    with pytest.raises(ConflictError, match="keine ausdrückliche Einwilligung in E-Mail-Werbung"):
        services.email.queue(MailRequest(customer.id, template_id=thanks.id), by="Chef")
    services.privacy.record_consent(customer.id, ConsentInput(
        purpose="email", granted=True, given_on=date(2026, 3, 1), method="form"), by="Chef")
    assert services.email.queue(MailRequest(customer.id, template_id=thanks.id), by="Chef")
    services.privacy.object_to_advertising(customer.id, by="Chef")
    with pytest.raises(ConflictError, match="Werbewiderspruch"):
        services.email.queue(MailRequest(customer.id, template_id=thanks.id), by="Chef")


def test_a_customer_without_an_address_gets_no_mail(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Ohne"))
    services.email.set_account(account(), password=None, by="Chef")
    with pytest.raises(ValidationError, match="hat keine E-Mail-Adresse"):
        services.email.queue(MailRequest(customer.id, subject="Termin", text="Hallo"),
                             by="Chef")


def test_an_oauth_only_provider_sends_nothing_but_writes_an_unsent_draft_with_attachment(
    services: Services, memory_keyring: MemoryKeyring, tmp_path: Path,
) -> None:
    services.company.save(PROFILE)
    customer = services.customers.create(CustomerInput(
        first_name="Anna", last_name="Öztürk", email="anna@example.org"))
    outlook = accounts.preset("outlook")
    services.email.set_account(account(host=outlook.host, port=outlook.port,
                                       security=outlook.security, oauth_only=True),
                               password=None, by="Chef")
    request = MailRequest(customer.id, subject="Ihr Angebot", text="Anbei das Angebot.",
                          attachments=(Attachment("Angebot.pdf", b"%PDF-1.4 angebot"),))
    with pytest.raises(ConflictError, match="OAuth"):
        services.email.queue(request, by="Chef")
    out = tmp_path / "Angebot Öztürk.eml"
    services.email.write_draft(request, out=out, by="Chef")
    draft = message_from_bytes(out.read_bytes(), policy=default)
    assert draft["X-Unsent"] == "1"
    assert draft["To"].addresses[0].display_name == "Anna Öztürk"
    [attachment] = list(draft.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content() == b"%PDF-1.4 angebot"
    history = services.timeline.entries(customer.id)
    assert "E-Mail-Entwurf: Ihr Angebot" in [h.subject for h in history]


def test_a_mail_template_with_a_typo_in_a_placeholder_is_refused_naming_it(
    services: Services,
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.email.templates.save(None, name="Herbst", subject="Herbstaktion",
                                      body="Hallo {{ vornme }}", advertising=True)
    assert "unbekannter Platzhalter „vornme“ in Zeile 1" in str(refused.value)
    saved = services.email.templates.save(None, name="Herbst", subject="Herbstaktion",
                                          body="Hallo {{ vorname }}", advertising=True)
    again = services.email.templates.save(saved.id, name="Herbst", subject="Herbstaktion",
                                          body="Guten Tag {{ vorname }}", advertising=True)
    assert again.version == 2
    names = {t.name for t in services.email.templates.templates()}
    assert {"Willkommen", "Geburtstagsgruß mit Gutschein", "Dankeschön an A-Kunden",
            "Herbst"} <= names


def test_a_reply_asking_for_no_more_advertising_is_recorded_from_the_sent_mail(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Kern", email="k@example.org"))
    services.email.set_account(account(), password=None, by="Chef")
    queued = services.email.queue(MailRequest(customer.id, subject="Termin", text="Hallo"),
                                  by="Chef")
    services.email.object_from_mail(queued.message_id, by="Chef")
    assert services.privacy.overview(customer.id).objection_at is not None


def test_a_second_send_while_one_runs_is_refused_instead_of_racing_it(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    services.email.set_account(account(), password=None, by="Chef")
    with services.email._sending:
        with pytest.raises(ConflictError, match="schon gesendet"):
            services.email.flush()


def test_a_returned_mail_stops_mail_to_that_address_until_it_is_corrected(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Weg", email="alt@example.org"))
    with smtp_server() as server:
        services.email.set_account(account(port=server.port), password=None, by="Chef")
        first = services.email.queue(MailRequest(customer.id, subject="Termin", text="Hallo"),
                                     by="Chef")
        with pytest.raises(ConflictError, match="nur gesendete Mails"):
            services.email.mark_returned(first.message_id, by="Chef")
        assert services.email.flush().sent == 1
    row = services.email.mark_returned(first.message_id, by="Chef")
    assert row.state_label == "gesendet"
    with pytest.raises(ConflictError, match=r"E-Mail-Adresse unzustellbar \(seit 15\.03\.2026\)"):
        services.email.queue(MailRequest(customer.id, subject="Nochmal", text="Hallo"),
                             by="Chef")
    assert "E-Mail unzustellbar" in [
        h.subject for h in services.timeline.entries(customer.id)]
    services.customers.update(customer.id, CustomerInput(last_name="Weg",
                                                         email="neu@example.org"))
    assert services.email.queue(MailRequest(customer.id, subject="Nochmal", text="Hallo"),
                                by="Chef").to_address == "neu@example.org"


def test_an_existing_customer_gets_advertising_without_consent_under_7_3_uwg_with_the_notice(
    services: Services, memory_keyring: MemoryKeyring,
) -> None:
    customer = services.customers.create(CustomerInput(last_name="Kauf", email="k@example.org"))
    services.sales.add(customer.id, SaleInput(sale_date=date(2026, 2, 1), amount_cents=12_000))
    thanks = services.email.templates.by_name("Dankeschön an A-Kunden")
    with smtp_server() as server:
        services.email.set_account(account(port=server.port), password=None, by="Chef")
        services.email.queue(MailRequest(customer.id, template_id=thanks.id), by="Chef")
        assert services.email.flush().sent == 1
    mail = server.handler.received[0].parsed()
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "jederzeit widersprechen" in body.get_content()
    assert mail["List-Unsubscribe"] == "<mailto:werkstatt@mueller-sanitaer.de?subject=Abmelden>"
