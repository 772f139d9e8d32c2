"""E-mail campaigns: the serial letters' sources, control group, exclusion list and results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.email.account import EmailAccount
from app.services.errors import ConflictError
from app.services.letters.recipients import TagSource
from app.services.privacy.consents import ConsentInput
from app.services.progress import Cancelled
from tests.services.email.mail_server import smtp_server
from tests.services.email.memory_keyring import MemoryKeyring, using
from tests.services.email.outbox_helpers import PROFILE


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    with using(MemoryKeyring()):
        yield


def customers(services: Services, count: int, *, email: bool = True) -> list[int]:
    start = services.customers.count()
    return [services.customers.create(CustomerInput(
        salutation="Frau", first_name=f"Vera{i}", last_name=f"Kunde{i}",
        email=f"vera{i}@example.org" if email else "", tags=("Newsletter",))).id
        for i in range(start, start + count)]


def consent(services: Services, ids: list[int]) -> None:
    for cid in ids:
        services.privacy.record_consent(cid, ConsentInput(
            purpose="email", granted=True, given_on=date(2026, 2, 1), method="form"), by="Chef")


def set_account(services: Services, port: int = 2525) -> None:
    services.email.set_account(EmailAccount(
        host="127.0.0.1", port=port, security="none", from_address="werkstatt@example.org",
        from_name="Müller Sanitär"), password=None, by="Chef")


def test_an_advertising_campaign_reaches_only_consenting_customers_and_lists_the_others(
    services: Services,
) -> None:
    services.company.save(PROFILE)
    willing = customers(services, 6)
    consent(services, willing)
    unasked = customers(services, 2)
    objected = customers(services, 1)
    consent(services, objected)
    services.privacy.object_to_advertising(objected[0], by="Chef")
    no_address = customers(services, 1, email=False)
    consent(services, no_address)
    thanks = services.email.templates.by_name("Dankeschön an A-Kunden")
    with smtp_server() as server:
        set_account(services, server.port)
        result = services.email.run_campaign(thanks.id, TagSource("Newsletter"), by="Chef",
                                             control_share=0.5, seed=7)
        assert (result.queued, result.control, result.excluded) == (3, 3, 4)
        assert services.email.flush().sent == 3
    plan = services.email.plan_campaign(thanks.id, TagSource("Newsletter"), control_share=0.5,
                                        seed=7)
    reasons = {e.customer_id: e.reason for e in plan.excluded}
    assert reasons[no_address[0]] == "keine E-Mail-Adresse"
    assert all(reasons[c] == "keine ausdrückliche Einwilligung in E-Mail-Werbung "
               "(§ 7 Abs. 2 Nr. 2 UWG)" for c in unasked)
    assert reasons[objected[0]].startswith("Werbewiderspruch")
    got = {r.recipients[0] for r in server.handler.received}
    planned = {r.email for r in plan.recipients}
    assert got == planned and got <= {f"vera{i}@example.org" for i in range(6)}
    assert {c.customer_id for c in plan.control}.isdisjoint({r.customer_id
                                                             for r in plan.recipients})
    for mail in server.handler.received:
        assert mail.parsed()["List-Unsubscribe"] is not None
    [mailing] = services.mailings.mailings()
    assert mailing.source == "E-Mail an Schlagwort „Newsletter“"
    assert (mailing.recipients, mailing.control, mailing.excluded) == (3, 3, 4)
    results = services.mailings.results(mailing.id)
    assert [(w.recipients, w.control) for w in results.windows][:1] == [(3, 3)]


def test_a_cancelled_campaign_queues_nothing_and_records_nothing(services: Services) -> None:
    customers(services, 450)
    set_account(services)
    welcome = services.email.templates.by_name("Willkommen")

    class CancelSecondBatch:
        calls = 0

        def report(self, done: int, total: int, text: str = "") -> None:
            return None

        def checkpoint(self) -> None:
            self.calls += 1
            if self.calls == 2:
                raise Cancelled

    with pytest.raises(Cancelled):
        services.email.run_campaign(welcome.id, TagSource("Newsletter"), by="Chef",
                                    progress=CancelSecondBatch())
    assert services.email.counts()["waiting"] == 0
    assert services.mailings.mailings() == []


def test_a_campaign_without_an_account_is_refused_before_anything_is_queued(
    services: Services,
) -> None:
    customers(services, 2)
    welcome = services.email.templates.by_name("Willkommen")
    with pytest.raises(ConflictError, match="Kein E-Mail-Konto"):
        services.email.run_campaign(welcome.id, TagSource("Newsletter"), by="Chef")
    assert services.mailings.mailings() == []
