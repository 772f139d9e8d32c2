from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.clock import FixedClock
from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError


def test_timeline_is_newest_first_with_author(services: Services, clock: FixedClock) -> None:
    customer = services.customers.create(CustomerInput(last_name="Huber"), by="Büro")
    clock.set(clock.now() + timedelta(hours=1))
    services.timeline.add(customer.id, channel="phone", subject="Rückruf", by="Meister")
    clock.set(clock.now() + timedelta(hours=1))
    services.timeline.add(customer.id, channel="visit", subject="Aufmaß", text="Bad 8 m²")
    entries = services.timeline.entries(customer.id)
    assert [(e.channel, e.subject) for e in entries] == [
        ("visit", "Aufmaß"), ("phone", "Rückruf"), ("system", "Kunde angelegt")]
    assert entries[1].author == "Meister"
    assert entries[2].author == "Büro"


def test_a_note_needs_a_channel_and_some_text(services: Services) -> None:
    customer = services.customers.create(CustomerInput(last_name="Huber"))
    with pytest.raises(ValidationError) as err:
        services.timeline.add(customer.id, channel="system", subject="")
    assert set(err.value.fields) == {"channel", "subject"}
