"""The rules' e-mail action: a rule puts customers on the letter list, e-mail takes those it
may write to and leaves the rest there for a letter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import LetterQueueEntry
from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.email.account import EmailAccount
from app.services.followups.rules import RuleInput
from app.services.privacy.consents import ConsentInput
from app.services.sales.service import SaleInput
from tests.services.email.mail_server import smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with using(MemoryKeyring()):
        yield


def birthday_child(services: Services, name: str, email: str) -> int:
    return services.customers.create(CustomerInput(
        salutation="Herr", last_name=name, email=email, street="Hauptstraße 1",
        postcode="80331", city="München", birthday=Birthday(22, 3, 1970))).id


def test_birthday_mails_go_where_allowed_and_the_others_stay_on_the_letter_list(
    services: Services,
) -> None:
    [birthday] = [r for r in services.rules.rules() if r.kind == "birthday"]
    services.rules.update(birthday.id, RuleInput(
        name=birthday.name, enabled=True, params=birthday.params, create_followup=False,
        letter_template="geburtstag_gutschein", voucher_cents=1000))
    willing = birthday_child(services, "Mailer", "mailer@example.org")
    services.privacy.record_consent(willing, ConsentInput(
        purpose="email", granted=True, given_on=date(2026, 1, 5), method="form"), by="Chef")
    birthday_child(services, "Ungefragt", "ungefragt@example.org")
    birthday_child(services, "Ohnemail", "")
    services.rules.run_due()
    assert [(x.key, x.count) for x in services.mailings.letter_lists()] == [
        ("geburtstag_gutschein", 3)]
    with smtp_server() as server:
        services.email.set_account(EmailAccount(
            host="127.0.0.1", port=server.port, security="none",
            from_address="werkstatt@example.org"), password=None, by="Chef")
        result = services.email.mail_letter_list("geburtstag_gutschein", by="System")
        assert (result.queued, result.excluded) == (1, 2)
        assert services.email.flush().sent == 1
    assert [(x.key, x.count) for x in services.mailings.letter_lists()] == [
        ("geburtstag_gutschein", 2)]
    [mail] = server.handler.received
    assert mail.recipients == ["mailer@example.org"]
    body = mail.parsed().get_body(preferencelist=("plain",))
    assert body is not None
    [voucher] = services.vouchers.of_customer(willing)
    assert f"Ihr Gutscheincode: {voucher.display_code}" in body.get_content()
    assert "10,00 €" in body.get_content()


def open_entries(services: Services) -> dict[int, str]:
    """Customer id → note of the open letter-list entries."""
    with services.db.read() as session:
        return {cid: note for cid, note in session.execute(
            select(LetterQueueEntry.customer_id, LetterQueueEntry.note)
            .where(LetterQueueEntry.done_at.is_(None)))}


def email_birthday_rule(services: Services) -> None:
    [birthday] = [r for r in services.rules.rules() if r.kind == "birthday"]
    services.rules.update(birthday.id, RuleInput(
        name=birthday.name, enabled=True, params=birthday.params, create_followup=False,
        letter_template="geburtstag_gutschein", voucher_cents=1000, by_email=True))


def consenting(services: Services, customer_id: int) -> None:
    services.privacy.record_consent(customer_id, ConsentInput(
        purpose="email", granted=True, given_on=date(2026, 1, 5), method="form"), by="Chef")


def test_a_rule_with_the_email_action_queues_the_mail_by_itself_and_letters_the_rest(
    services: Services,
) -> None:
    email_birthday_rule(services)
    willing = birthday_child(services, "Mailer", "mailer@example.org")
    consenting(services, willing)
    unasked = birthday_child(services, "Ungefragt", "ungefragt@example.org")
    no_address = birthday_child(services, "Ohnemail", "")
    consenting(services, no_address)
    with smtp_server() as server:
        services.email.set_account(EmailAccount(
            host="127.0.0.1", port=server.port, security="none",
            from_address="werkstatt@example.org"), password=None, by="Chef")
        result = services.rules.run_due()
        assert result.per_rule["Geburtstag"].mails == 1
        assert result.after_run == ("E-Mail „geburtstag_gutschein“: 1 in den Postausgang",)
        assert services.email.flush().sent == 1
    [mail] = server.handler.received
    assert mail.recipients == ["mailer@example.org"]
    [voucher] = services.vouchers.of_customer(willing)
    body = mail.parsed().get_body(preferencelist=("plain",))
    assert body is not None
    assert f"Ihr Gutscheincode: {voucher.display_code}" in body.get_content()
    notes = open_entries(services)
    assert set(notes) == {unasked, no_address}
    assert notes[unasked].startswith("Brief statt E-Mail (keine ausdrückliche Einwilligung")
    assert notes[no_address].startswith("Brief statt E-Mail (keine E-Mail-Adresse")
    assert services.rules.run_due().after_run == ()  # nothing mailed twice


def test_without_an_account_the_rule_mails_become_letters_with_the_reason(
    services: Services,
) -> None:
    email_birthday_rule(services)
    willing = birthday_child(services, "Mailer", "mailer@example.org")
    consenting(services, willing)
    result = services.rules.run_due()
    assert result.after_run == ("E-Mail „geburtstag_gutschein“: 0 in den Postausgang, "
                                "1 bleiben auf der Briefliste (Brief statt E-Mail)",)
    assert open_entries(services)[willing].startswith(
        "Brief statt E-Mail (kein E-Mail-Konto, über das Stammkunde selbst senden kann): ")
    assert services.email.messages() == []
    assert any(entry.subject == "Brief statt E-Mail „geburtstag_gutschein“"
               for entry in services.timeline.entries(willing))


def test_an_objection_after_the_rule_fired_turns_the_mail_into_a_letter(
    services: Services,
) -> None:
    """The contact policy is asked again when the mail is made, not only when the rule fired."""
    email_birthday_rule(services)
    willing = birthday_child(services, "Mailer", "mailer@example.org")
    consenting(services, willing)
    services.rules.after_run = ()  # the rule fires now, the mail is made later
    services.rules.run_due()
    services.privacy.record_consent(willing, ConsentInput(
        purpose="email", granted=False, given_on=date(2026, 3, 15), method="form"), by="Chef")
    services.email.set_account(EmailAccount(
        host="127.0.0.1", port=2525, security="none", from_address="werkstatt@example.org"),
        password=None, by="Chef")
    assert services.email.mail_rule_results() == [
        "E-Mail „geburtstag_gutschein“: 0 in den Postausgang, 1 bleiben auf der Briefliste "
        "(Brief statt E-Mail)"]
    assert "Brief statt E-Mail (" in open_entries(services)[willing]


def test_the_staged_campaign_after_a_first_purchase_mails_welcome_then_a_reminder(
    services: Services, clock: FixedClock,
) -> None:
    """The playbook's stages as rules of one kind: welcome on the day of the first purchase,
    a reminder 30 days later (each its own rule, each mailed where allowed)."""
    services.email.templates.save(None, name="Erinnerung", subject="Wir denken an Sie",
                                  body="{{ briefanrede }},\n\nschauen Sie wieder vorbei.",
                                  advertising=True)
    [first] = [r for r in services.rules.rules() if r.kind == "first_purchase"]
    services.rules.update(first.id, RuleInput(
        name="Willkommen", enabled=True, params={"days_after": 0}, create_followup=False,
        letter_template="willkommen", by_email=True))
    reminder = services.rules.create("first_purchase", RuleInput(
        name="Erinnerung nach 30 Tagen", enabled=True, params={"days_after": 30},
        create_followup=False, letter_template="Erinnerung", by_email=True))
    assert reminder.by_email
    buyer = services.customers.create(CustomerInput(
        salutation="Frau", last_name="Erstkäufer", email="erst@example.org"))
    consenting(services, buyer.id)
    services.sales.add(buyer.id, SaleInput(sale_date=date(2026, 3, 15), amount_cents=12_000))
    with smtp_server() as server:
        services.email.set_account(EmailAccount(
            host="127.0.0.1", port=server.port, security="none",
            from_address="werkstatt@example.org"), password=None, by="Chef")
        services.rules.run_due()
        clock.set(datetime(2026, 4, 14, 9, 0))
        services.rules.run_due()
        assert services.email.flush().sent == 2
    subjects = [m.parsed()["Subject"] for m in server.handler.received]
    assert subjects[1] == "Wir denken an Sie"
    assert len(subjects) == 2
    assert open_entries(services) == {}


def test_with_neither_mail_nor_letter_allowed_the_action_is_held_back_with_the_letters_reason(
    services: Services,
) -> None:
    email_birthday_rule(services)
    nowhere = services.customers.create(CustomerInput(
        salutation="Herr", last_name="Unbekannt", birthday=Birthday(22, 3, 1970))).id
    result = services.rules.run_due()
    [held] = [h for h in result.held_back if h.customer_id == nowhere and
              h.action != "Gutschein"]
    assert held.action == "E-Mail/Brief „geburtstag_gutschein“"
    assert held.reason == ("Brief: keine vollständige Postanschrift; E-Mail: keine "
                           "ausdrückliche Einwilligung in E-Mail-Werbung (§ 7 Abs. 2 Nr. 2 UWG)")
    assert nowhere not in open_entries(services)
