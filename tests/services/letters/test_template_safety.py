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
    ("{{ ((nachname * 1000) * 1000) * 1000 }}", "„*“ ergäbe mehr als 100.000 Zeichen"),
])
def test_a_template_that_fails_or_floods_while_rendering_is_a_plain_message(
    services: Services, body: str, reason: str,
) -> None:
    anna = services.customers.create(CustomerInput(last_name="Müller")).id
    template = TemplateDTO(0, "Entwurf", "Betreff", body, 1, False, False)
    with pytest.raises(ValidationError) as err:
        services.letters.preview(template, anna)
    assert reason in err.value.fields["body"]


SLOW = ("{% set w = 1000 * 100 %}{% for i in range(w) %}"
        "{% if (nachname | center(w)) | wordcount > 5 %}x{% endif %}{% endfor %}fertig")


def test_a_slow_template_that_passes_the_check_is_stopped_after_the_preview_budget(
    services: Services,
) -> None:
    saved = services.letters.save(None, name="Langsam", subject="Betreff", body=SLOW,
                                  advertising=False)
    anna = services.customers.create(CustomerInput(last_name="Müller")).id
    with pytest.raises(ValidationError) as err:
        services.letters.preview(saved, anna, seconds=0.5)
    assert err.value.fields["body"] == (
        "Vorlage „Langsam“ braucht für K-000001 länger als 0,5 Sekunden und wurde "
        "abgebrochen (zu lange Schleifen oder Texte?)")
