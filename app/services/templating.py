"""The one placeholder syntax users write: `{{ name }}` with German names, rendered in Jinja2's
sandbox with `StrictUndefined` (a typo is an error, never an empty gap).

Letter and mail templates check their richer texts in `letters`; a one-line text such as a
rule's follow-up subject uses `check_line`, which allows only text and placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                keep_trailing_newline=False)


# `{reason}`: the old rule syntax, which Jinja2 would print as it stands.
_SINGLE_BRACES = re.compile(r"(?<!\{)\{\s*(\w+)\s*\}(?!\})")


def line_problems(text: str, known: Mapping[str, str]) -> list[str]:
    """German reasons why `text` is not plain text with placeholders from `known`."""
    single = _SINGLE_BRACES.search(text)
    if single:
        return [f"„{single.group(0)}“: Platzhalter stehen in doppelten geschweiften "
                "Klammern, z. B. {{ grund }}"]
    try:
        ast = environment().parse(text)
    except TemplateSyntaxError as exc:
        return [f"{exc.message} (Platzhalter schreiben: {{{{ name }}}})"]
    problems = []
    for node in ast.body:
        if not isinstance(node, nodes.Output):
            problems.append("nur Text und Platzhalter wie {{ grund }} sind erlaubt")
            continue
        for part in node.nodes:
            if isinstance(part, nodes.TemplateData):
                continue
            if isinstance(part, nodes.Name) and part.name in known:
                continue
            shown = part.name if isinstance(part, nodes.Name) else "Ausdruck"
            choices = ", ".join("{{ " + name + " }}" for name in known)
            problems.append(f"unbekannter Platzhalter „{shown}“ (möglich: {choices})")
    return problems


def render_line(text: str, values: Mapping[str, str]) -> str:
    """A text `line_problems` accepted, with its placeholders filled in."""
    try:
        return environment().from_string(text).render(values).strip()
    except TemplateError as exc:  # stored before the check existed: say what is wrong
        return f"{text} ({exc})"
