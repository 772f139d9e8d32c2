"""What a letter template may not contain and may not cost: checked when it is saved and
before it renders, and bounded while it renders.

Letter templates are edited by users and rendered for every recipient (on PostgreSQL on every
PC): a template that includes another, defines macros, holds huge literals or builds huge
strings could fail or hang the Briefe page. The sandbox stops attribute tricks; the check
stops what the sandbox allows. What still passes the check can be slow (a long loop over long
strings): rendering streams the text and stops past `MAX_RENDERED` characters, a `*` may not
build a text longer than that, and with a time budget (the live preview) a render that runs
longer is stopped — the budget is checked on every line the compiled template runs, through
the thread's trace hook, so no loop can escape it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import Template, nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SecurityError

# What a letter template never needs and what can hang or break the rendering: other
# templates (include/import/extends fail at rendering anyway), macros, huge literals and
# arithmetic that builds huge strings, lipsum, loops inside loops.
_FOREIGN_NODES = {nodes.Include: "include", nodes.Import: "import",
                  nodes.FromImport: "from … import", nodes.Extends: "extends",
                  nodes.Macro: "macro", nodes.CallBlock: "call"}
MAX_LITERAL_TEXT = 2_000
MAX_LITERAL_NUMBER = 1_000
MAX_RENDERED = 100_000  # characters of one rendered letter: about 30 pages
PREVIEW_SECONDS = 2.0  # the live preview's time budget for one letter
_TEMPLATE_CODE = "<template>"  # the file name Jinja compiles template source under


class TemplateTooSlow(Exception):  # noqa: N818 (a reason, like jinja2's own exceptions)
    """Rendering ran past its time budget."""


class LetterEnvironment(SandboxedEnvironment):
    """The sandbox, with `*` checked: a repeated text or list longer than a whole letter
    is refused before it is built (`("x" * 1000) * 1000 * 1000` would fill the memory)."""

    intercepted_binops = frozenset({"*"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) \
                        and len(seq) * count > MAX_RENDERED:
                    raise SecurityError(f"„*“ ergäbe mehr als {MAX_RENDERED:,} Zeichen"
                                        .replace(",", "."))
        return super().call_binop(context, operator, left, right)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise TemplateTooSlow in template code of this thread once `seconds` have passed."""
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds

    def on_line(frame: FrameType, event: str, arg: object) -> Any:
        if time.monotonic() > deadline:
            raise TemplateTooSlow()
        return on_line

    def on_call(frame: FrameType, event: str, arg: object) -> Any:
        return on_line(frame, event, arg) if frame.f_code.co_filename == _TEMPLATE_CODE \
            else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


def render_bounded(template: Template, values: Mapping[str, Any]) -> str:
    """The rendered text, streamed: stops one chunk past `MAX_RENDERED` characters, so the
    caller sees it is too long without building all of it."""
    parts: list[str] = []
    size = 0
    for part in template.generate(values):
        parts.append(part)
        size += len(part)
        if size > MAX_RENDERED:
            break
    return "".join(parts)


def unsafe_constructs(ast: nodes.Template) -> list[str]:
    """German reasons for every construct a letter template may not use, with its line."""
    problems = [f"„{{% {word} %}}“ in Zeile {node.lineno} ist in Briefvorlagen nicht erlaubt"
                for kind, word in _FOREIGN_NODES.items() for node in ast.find_all(kind)]
    for const in ast.find_all(nodes.Const):
        value = const.value
        if isinstance(value, str) and len(value) > MAX_LITERAL_TEXT:
            problems.append(f"Text in Zeile {const.lineno} ist länger als "
                            f"{MAX_LITERAL_TEXT} Zeichen")
        elif (isinstance(value, int | float) and not isinstance(value, bool)
              and abs(value) > MAX_LITERAL_NUMBER):
            problems.append(f"Zahl {value} in Zeile {const.lineno} ist zu groß "
                            f"(höchstens {MAX_LITERAL_NUMBER})")
    for power in ast.find_all(nodes.Pow):
        problems.append(f"„**“ in Zeile {power.lineno} ist in Briefvorlagen nicht erlaubt")
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "lipsum":
            problems.append(f"„lipsum“ in Zeile {call.lineno} ist nicht erlaubt")
    for loop in ast.find_all(nodes.For):
        if any(True for _inner in loop.find_all(nodes.For)):
            problems.append(f"Schleife in einer Schleife in Zeile {loop.lineno} ist nicht "
                            "erlaubt")
    return problems
