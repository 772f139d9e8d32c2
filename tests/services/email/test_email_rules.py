"""The rules' e-mail action: a rule puts customers on the letter list, e-mail takes those it
may write to and leaves the rest there for a letter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from app.services.container import Services
from app.services.customers.dto import Birthday, CustomerInput
from app.services.email.account import EmailAccount
from app.services.followups.rules import RuleInput
from app.services.privacy.consents import ConsentInput
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
