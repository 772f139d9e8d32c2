"""The layers point one way: ui → services → models (STYLE.md, after Anki)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def files(package: str) -> list[Path]:
    return sorted((APP / package).rglob("*.py"))


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
