"""Pages and main actions carry icons from the one bundled icon set, shipped with its licence."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.ui.icons import ICON_DIR, icon
from app.ui.main_window import PAGES
from app.ui.palette import SELECTED_TEXT, TEXT

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def test_every_page_in_the_navigation_has_an_icon_that_draws(qapp: QApplication) -> None:
    for spec in PAGES:
        assert spec.icon, f"Seite {spec.key} ohne Symbol"
        image = icon(spec.icon).pixmap(QSize(24, 24)).toImage()
        assert not image.isNull()
        drawn = sum(image.pixelColor(x, y).alpha() > 0 for x in range(24) for y in range(24))
        assert drawn > 20, f"{spec.icon}.svg zeichnet nichts"


def test_an_unknown_icon_name_fails_loudly(qapp: QApplication) -> None:
    with pytest.raises(FileNotFoundError):
        icon("gibt-es-nicht")


def test_the_icon_set_ships_its_licence() -> None:
    licence = (ICON_DIR / "LICENSE-Lucide.txt").read_text(encoding="utf-8")
    assert "Lucide" in licence
    assert "Permission to use, copy, modify" in licence


def test_every_shipped_icon_is_used_by_the_app() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "app").rglob("*.py"))
    used = set(re.findall(r'"([a-z0-9-]+)"', source))
    unused = sorted(p.stem for p in (RESOURCES / "icons").glob("*.svg") if p.stem not in used)
    assert unused == []


def test_every_resource_file_is_declared_as_package_data_so_it_lands_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["resources"]
    files = [path.relative_to(RESOURCES).as_posix() for path in RESOURCES.rglob("*")
             if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts]
    assert any(name.startswith("icons/") for name in files)
    missing = [name for name in files if not any(fnmatch(name, pattern) for pattern in patterns)]
    assert missing == []


def test_a_selected_icon_is_drawn_light_on_the_selection_blue(qapp: QApplication) -> None:
    normal = icon("users").pixmap(QSize(24, 24), QIcon.Mode.Normal).toImage()
    selected = icon("users").pixmap(QSize(24, 24), QIcon.Mode.Selected).toImage()
    ink = [(x, y) for x in range(24) for y in range(24) if normal.pixelColor(x, y).alpha() == 255]
    assert ink
    assert all(normal.pixelColor(x, y).name() == TEXT for x, y in ink)
    assert all(selected.pixelColor(x, y).name() == SELECTED_TEXT for x, y in ink)
