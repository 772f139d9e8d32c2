"""A letter template that includes another, defines macros, holds huge literals, loops in
loops or calls lipsum is refused when it is saved, with its line (issue 16, point 12)."""

from __future__ import annotations

import pytest

from app.services.container import Services
from app.services.customers.dto import CustomerInput
from app.services.errors import ValidationError
from app.services.letters.service import TemplateDTO


@pytest.mark.parametrize(("body", "reason"), [
    ("{% include 'brief.txt' %}", "„{% include %}“ in Zeile 1"),
    ("Hallo\n{% import 'x' as x %}", "„{% import %}“ in Zeile 2"),
    ("{% extends 'basis' %}", "„{% extends %}“ in Zeile 1"),
    ("{% macro gruss() %}Hallo{% endmacro %}", "„{% macro %}“ in Zeile 1"),
    ("{{ lipsum(n=100000) }}", "Zahl 100000 in Zeile 1 ist zu groß"),
    ("{{ lipsum(n=5) }}", "„lipsum“ in Zeile 1"),
    ("{% for a in range(900) %}{% for b in range(900) %}x{% endfor %}{% endfor %}",
     "Schleife in einer Schleife in Zeile 1"),
    ("{{ 'x' * 10 ** 9 }}", "„**“ in Zeile 1"),
    ("{{ '" + "x" * 5000 + "' }}", "länger als 2000 Zeichen"),
])
def test_a_template_that_could_hang_or_break_rendering_is_refused_on_saving(
    services: Services, body: str, reason: str,
) -> None:
    with pytest.raises(ValidationError) as err:
        services.letters.save(None, name="Gefährlich", subject="Betreff", body=body,
                              advertising=False)
    assert reason in err.value.fields["body"]


def test_an_ordinary_template_with_a_loop_and_numbers_is_still_saved(services: Services) -> None:
    saved = services.letters.save(
        None, name="Normal", subject="Angebot", advertising=False,
        body="{% for n in range(3) %}Punkt {{ n + 1 }}\n{% endfor %}Gruß")
    assert saved.name == "Normal"


@pytest.mark.parametrize(("body", "reason"), [
    ("{{ 1 / 0 }}", "division by zero"),
    ("{% for n in range(1000) %}" + "Zeile mit etwas Text " * 10 + "{% endfor %}",
     "mehr als 100.000 Zeichen"),
])
def test_a_template_that_fails_or_floods_while_rendering_is_a_plain_message(
    services: Services, body: str, reason: str,
) -> None:
    anna = services.customers.create(CustomerInput(last_name="Müller")).id
    template = TemplateDTO(0, "Entwurf", "Betreff", body, 1, False, False)
    with pytest.raises(ValidationError) as err:
        services.letters.preview(template, anna)
    assert reason in err.value.fields["body"]
