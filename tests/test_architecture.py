"""The arrows point one way (STYLE.md, after Anki): ui → services → models, cli → services; the
kernel of app/services imports no capability; capabilities import each other only along the
edges the README's architecture section draws, and those edges have no circle."""

from __future__ import annotations

import ast
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
APP = ROOT / "app"
SERVICES = APP / "services"
# The composition modules: they build and drive the capabilities, so they may import them all.
COMPOSITION = {"container", "nightly"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def files(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


def capabilities() -> list[str]:
    return sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())


def declared_edges() -> dict[str, set[str]]:
    """The table under "capability   may use" in the README's architecture section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^capability +may use\n(.*?)^```", text, re.M | re.S)
    assert block, "README.md: the architecture section lost its table of capability edges"
    edges: dict[str, set[str]] = {}
    for line in block.group(1).splitlines():
        name, _, uses = line.partition(" ")
        uses = uses.strip()
        edges[name] = (set(capabilities()) - {name} if uses == "every capability"
                       else set() if uses == "—" else {u.strip() for u in uses.split(",")})
    return edges


def used_capabilities(path: Path) -> set[str]:
    return {m.split(".")[2] for m in imported_modules(path)
            if m.startswith("app.services.") and m.split(".")[2] in capabilities()}


@pytest.mark.parametrize("path", files("services") + files("models"), ids=str)
def test_services_and_models_never_import_qt(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "PySide6"}


@pytest.mark.parametrize("path", files("models"), ids=str)
def test_models_import_only_sqlalchemy_and_the_stdlib(path: Path) -> None:
    assert not {m for m in imported_modules(path)
                if m.startswith("app.") and not m.startswith("app.models")}


@pytest.mark.parametrize("path", files("ui"), ids=str)
def test_ui_never_imports_sqlalchemy_or_models(path: Path) -> None:
    bad = {m for m in imported_modules(path)
           if m.split(".")[0] == "sqlalchemy" or m.startswith("app.models") or m == "app.db"}
    assert not bad


@pytest.mark.parametrize("path", files("cli"), ids=str)
def test_commands_use_services_never_models_or_qt(path: Path) -> None:
    bad = {m for m in imported_modules(path)
           if m.split(".")[0] in {"sqlalchemy", "PySide6"} or m.startswith(("app.models",
                                                                             "app.ui"))}
    assert not bad


@pytest.mark.parametrize(
    "path", [p for p in sorted(SERVICES.glob("*.py")) if p.stem not in COMPOSITION], ids=str)
def test_the_kernel_imports_no_capability(path: Path) -> None:
    assert not used_capabilities(path)


def test_every_capability_is_drawn_in_the_readme() -> None:
    assert sorted(declared_edges()) == capabilities(), (
        "add the capability and the ones it may use to the table in README.md, Architecture")


@pytest.mark.parametrize("capability", capabilities())
def test_a_capability_imports_only_along_the_drawn_edges(capability: str) -> None:
    allowed = declared_edges().get(capability, set()) | {capability}
    wrong = {f"{path.relative_to(ROOT)} → {used}"
             for path in sorted((SERVICES / capability).rglob("*.py"))
             for used in used_capabilities(path) - allowed}
    assert not wrong, "not an edge in README.md, Architecture: " + ", ".join(sorted(wrong))


def test_the_drawn_edges_have_no_circle() -> None:
    try:
        tuple(TopologicalSorter(declared_edges()).static_order())
    except CycleError as error:
        pytest.fail(f"circle between capabilities: {' → '.join(error.args[1])}")
