"""What a letter template may not contain: checked when it is saved and before it renders.

Letter templates are edited by users and rendered for every recipient (on PostgreSQL on every
PC): a template that includes another, defines macros, holds huge literals or builds huge
strings could fail or hang the Briefe page. The sandbox stops attribute tricks; this check
stops what the sandbox allows.
"""

from __future__ import annotations

from jinja2 import nodes

# What a letter template never needs and what can hang or break the rendering: other
# templates (include/import/extends fail at rendering anyway), macros, huge literals and
# arithmetic that builds huge strings, lipsum, loops inside loops.
_FOREIGN_NODES = {nodes.Include: "include", nodes.Import: "import",
                  nodes.FromImport: "from … import", nodes.Extends: "extends",
                  nodes.Macro: "macro", nodes.CallBlock: "call"}
MAX_LITERAL_TEXT = 2_000
MAX_LITERAL_NUMBER = 1_000
MAX_RENDERED = 100_000  # characters of one rendered letter: about 30 pages


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
